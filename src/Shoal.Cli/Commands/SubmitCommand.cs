using Microsoft.Extensions.Logging;
using Shoal.Aws.Hosting;
using Shoal.Cli.Jobs;
using Shoal.Cli.Manifests;
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
internal sealed class SubmitCommand(IAnsiConsole console, ILoggerFactory loggers) : AsyncCommand<SubmitSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SubmitSettings settings, CancellationToken cancellationToken)
    {
        var sources = JobFileReader.Read(settings.Paths);
        string queueName;
        string where;
        SubmitResult result;
        if (settings.Provider == "aws")
        {
            var manifests = LoadManifests(settings.Manifests!);
            var jobQueue = manifests.JobQueues.Count == 1
                ? manifests.JobQueues[0]
                : throw new UserException($"--manifests {settings.Manifests}: expected one JobQueue, found {manifests.JobQueues.Count}");
            await using var aws = await AwsEngine.OpenAsync(jobQueue, TimeProvider.System, loggers.CreateLogger("shoal"), cancellationToken);
            queueName = aws.Queue.Name;
            where = "SQS";
            result = await Submitter.SubmitAsync(sources, aws.Queue, aws.Ledger, SpecMapper.ToJobDefaults(jobQueue.Spec.JobDefaults), TimeProvider.System, cancellationToken);
        }
        else
        {
            var state = new StateDirectory(settings.StateDir);
            queueName = state.QueueName();
            where = state.Root;
            await using var engine = LocalEngine.Open(state, queueName, TimeProvider.System);
            result = await Submitter.SubmitAsync(sources, engine.Queue, engine.Ledger, new JobDefaults(), TimeProvider.System, cancellationToken);
        }

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

        console.MarkupLine(settings.Provider == "aws"
            ? $"Submitted {result.Sent} jobs to the {where} queue [bold]{Markup.Escape(queueName)}[/]. Run them with [bold]shoal run --provider aws --manifests {Markup.Escape(settings.Manifests!)}[/] (or let a running one pick them up)."
            : $"Submitted {result.Sent} jobs to queue [bold]{Markup.Escape(queueName)}[/] in {Markup.Escape(where)}. Run them with [bold]shoal run --state-dir {Markup.Escape(where)}[/] (or let the running one pick them up).");
        return 0;
    }

    private static ManifestSet LoadManifests(string directory)
    {
        try
        {
            return ManifestLoader.Load(directory);
        }
        catch (ManifestException e)
        {
            throw new UserException(e.Message);
        }
    }
}
