using Shoal.Cli.Jobs;
using Shoal.Cli.Local;
using Shoal.Cli.Output;
using Shoal.Core.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Shoal.Cli.Commands;

/// <summary>
/// `shoal submit`: adds jobs to a state directory's queue; a running `shoal run` picks them up within
/// a fraction of a second, or a later one does.
/// </summary>
internal sealed class SubmitCommand(IAnsiConsole console) : AsyncCommand<SubmitSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SubmitSettings settings, CancellationToken cancellationToken)
    {
        var state = new StateDirectory(settings.StateDir);
        var sources = JobFileReader.Read(settings.Paths);
        var queueName = state.QueueName();
        await using var engine = LocalEngine.Open(state, queueName, TimeProvider.System);
        var result = await Submitter.SubmitAsync(sources, engine.Queue, engine.Ledger, new JobDefaults(), TimeProvider.System, cancellationToken);
        if (settings.Json)
        {
            Console.Out.WriteLine(CliJson.Serialize(new { queue = queueName, submitted = result.Sent, invalid = result.Invalid, skipped = result.Skipped }));
            return 0;
        }

        foreach (var line in result.Skipped)
        {
            console.MarkupLine("[yellow]skipped:[/] " + Markup.Escape(line));
        }

        foreach (var line in result.Invalid)
        {
            console.MarkupLine("[yellow]invalid (will be recorded as FAILED InvalidJob):[/] " + Markup.Escape(line));
        }

        console.MarkupLine($"Submitted {result.Sent} jobs to queue [bold]{Markup.Escape(queueName)}[/] in {Markup.Escape(state.Root)}. Run them with [bold]shoal run --state-dir {Markup.Escape(state.Root)}[/] (or let the running one pick them up).");
        return 0;
    }
}
