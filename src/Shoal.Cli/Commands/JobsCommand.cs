using System.Globalization;
using Shoal.Cli.Local;
using Shoal.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Shoal.Cli.Commands;

/// <summary>`shoal jobs`: every job of a state directory, oldest first.</summary>
internal sealed class JobsCommand(IAnsiConsole console) : AsyncCommand<JobsSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobsSettings settings, CancellationToken cancellationToken)
    {
        var state = RequireState(settings.StateDir);
        await using var engine = LocalEngine.Open(state, state.QueueName(), TimeProvider.System);
        var jobs = await engine.Ledger.ListAsync(null, settings.ParsedStatus, cancellationToken);
        if (settings.Json)
        {
            Console.Out.WriteLine(CliJson.Serialize(jobs.Select(j => JobView.From(j, withBody: false)).ToList()));
            return 0;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "JOB ID", "STATUS", "ATTEMPTS", "INTERRUPTIONS", "EXIT", "REASON", "WORKER", "DURATION" })
        {
            var wrap = column is "JOB ID" or "REASON" or "WORKER";
            table.AddColumn(wrap ? new TableColumn(column) : new TableColumn(column).NoWrap());
        }

        foreach (var job in jobs.Select(j => JobView.From(j, withBody: false)))
        {
            var color = job.Status switch { "SUCCEEDED" => "green", "FAILED" => "red", "RUNNING" => "blue", _ => "grey" };
            table.AddRow(
                Markup.Escape(job.JobId),
                $"[{color}]{job.Status}[/]",
                job.Attempts.ToString(CultureInfo.InvariantCulture),
                job.Interruptions.ToString(CultureInfo.InvariantCulture),
                job.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "",
                Markup.Escape(job.Reason ?? ""),
                Markup.Escape(job.Worker ?? ""),
                job.DurationSeconds is { } d ? $"{d:0.0}s" : "");
        }

        console.Write(table);
        console.MarkupLine($"{jobs.Count} jobs");
        return 0;
    }

    internal static StateDirectory RequireState(string? path)
    {
        var state = new StateDirectory(path);
        return state.Exists
            ? state
            : throw new UserException($"no Shoal state in {state.Root}: run `shoal run` first, or pass the --state-dir that a run used");
    }
}
