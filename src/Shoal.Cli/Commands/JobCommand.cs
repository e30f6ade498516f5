using System.Globalization;
using Shoal.Cli.Local;
using Shoal.Cli.Output;
using Shoal.Local.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Shoal.Cli.Commands;

/// <summary>`shoal job ID`: one job in full: state, timings, attempts, its history and its output.</summary>
internal sealed class JobCommand(IAnsiConsole console) : AsyncCommand<JobSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobSettings settings, CancellationToken cancellationToken)
    {
        var state = JobsCommand.RequireState(settings.StateDir);
        await using var engine = LocalEngine.Open(state, state.QueueName(), TimeProvider.System);
        var record = await engine.Ledger.GetAsync(settings.Id, cancellationToken)
            ?? throw new UserException($"no job \"{settings.Id}\" in {state.Root}; `shoal jobs --state-dir {state.Root}` lists them");
        var view = JobView.From(record, withBody: true);
        if (settings.Json)
        {
            Console.Out.WriteLine(CliJson.Serialize(view));
            return 0;
        }

        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string? value) => grid.AddRow($"[bold]{name}[/]", Markup.Escape(value ?? "-"));
        Row("job", view.JobId);
        Row("status", view.Status);
        Row("reason", view.Reason);
        Row("message", view.Message);
        Row("attempts", $"{view.Attempts} ({view.Failures} failed, {view.Interruptions} interrupted; retry {view.Retry})");
        Row("exit code", view.ExitCode?.ToString(CultureInfo.InvariantCulture));
        Row("worker", view.Worker);
        Row("created", view.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
        Row("started", view.StartedAt?.ToString("u", CultureInfo.InvariantCulture));
        Row("finished", view.FinishedAt?.ToString("u", CultureInfo.InvariantCulture));
        Row("output files", view.Attempts > 0 ? LocalCommandRunner.AttemptDirectory(state.Root, view.JobId, view.Attempts) : null);
        console.Write(grid);

        var history = new Table().Border(TableBorder.Simple).AddColumns("AT", "STATUS", "ATTEMPT", "WORKER", "REASON");
        foreach (var e in await engine.Ledger.GetEventsAsync(settings.Id, cancellationToken))
        {
            history.AddRow(e.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture), e.Status.ToString().ToUpperInvariant(), e.Attempt.ToString(CultureInfo.InvariantCulture), Markup.Escape(e.Worker ?? ""), Markup.Escape(e.Reason ?? ""));
        }

        console.Write(history);
        if (!string.IsNullOrEmpty(view.Output))
        {
            console.Write(new Panel(Markup.Escape(view.Output.Length > 2000 ? "…" + view.Output[^2000..] : view.Output)).Header("output (tail)"));
        }

        if (view.Reason == "InvalidJob")
        {
            console.Write(new Panel(Markup.Escape(view.Body ?? "")).Header("message as received"));
        }

        return 0;
    }
}
