using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Aws.Fleet;
using Shoal.Aws.Hosting;
using Shoal.Cli.Jobs;
using Shoal.Cli.Local;
using Shoal.Cli.Manifests;
using Shoal.Cli.Output;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Scaling;
using Shoal.Core.Workers;
using Shoal.Local.Fleet;
using Shoal.Local.Ingest;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Shoal.Cli.Commands;

/// <summary>
/// `shoal run`: submits the given jobs (or the bundled example, or nothing when resuming), runs the
/// engine on local workers until every job is terminal and every worker retired, prints a summary.
/// </summary>
internal sealed class RunCommand(IAnsiConsole console, ILoggerFactory loggers) : AsyncCommand<RunSettings>
{
    private const int DefaultWorkers = 4;

    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken) =>
        settings.Provider == "aws" ? await RunOnAwsAsync(settings, cancellationToken) : await RunLocallyAsync(settings, cancellationToken);

    private async Task<int> RunLocallyAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var clock = Stopwatch.StartNew();
        var state = new StateDirectory(settings.StateDir);
        using var runLock = state.Lock();
        var (queue, pool, ingest) = Configure(settings, state);
        state.RememberQueue(queue.Name);

        await using var engine = LocalEngine.Open(state, queue.Name, time);
        var before = await engine.Ledger.GetCountsAsync(queue.Name, cancellationToken);
        var depth = await engine.Queue.GetDepthAsync(cancellationToken);
        var jobs = settings.Jobs;
        var probability = settings.Probability;
        if (jobs.Length == 0 && before.Jobs == 0 && depth.IsEmpty)
        {
            Say(settings, $"No jobs given and nothing to resume in {state.Root}: running the bundled example workload.");
            Say(settings, "It fails some jobs on purpose (two broken messages, a non-zero exit, a missing success string, a timeout) to show how failures are recorded; simulated spot interruptions hit 10% of attempts.");
            jobs = [ExampleWorkload.Extract(state)];
            probability ??= 0.1;
        }
        else if (jobs.Length == 0)
        {
            Say(settings, $"Resuming {state.Root}: {before.Queued + before.Running} unfinished jobs, {depth.Visible + depth.InFlight + depth.Delayed} queued messages.");
        }

        var submitted = await SubmitAsync(settings, jobs, engine.Queue, engine.Ledger, queue.Defaults, time, cancellationToken);
        var fleetOptions = new LocalFleetOptions
        {
            StateDirectory = state.Root,
            InterruptProbability = probability ?? 0,
            Seed = settings.Seed,
        };
        var recovered = await engine.StartWorkersAsync(fleetOptions, ingest, time, cancellationToken);
        if (recovered > 0)
        {
            Say(settings, $"Recovered {recovered} jobs that were running when the previous run stopped; they run again without spending their retry budget.");
        }

        var activity = new RunActivity();
        var runner = new PoolRunner(
            engine.Ports(), queue, pool, new WorkerLoopOptions(), new PoolRunnerOptions { ScaleInterval = TimeSpan.FromMilliseconds(100) },
            time, activity, engine.Ingest, loggers.CreateLogger("shoal"));

        var run = runner.RunAsync(untilDrained: true, cancellationToken);
        await ShowProgressAsync(settings, engine.Ledger, engine.Queue, runner, activity, run, clock, TimeSpan.FromMilliseconds(200));
        await run;
        await ReportAsync(settings, engine.Ledger, engine.Queue, runner, submitted, recovered, clock, "local", state.Root, awsCalls: null);
        return 0;
    }

    private async Task<int> RunOnAwsAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Manifests is null)
        {
            throw new UserException("--provider aws needs --manifests DIR: a folder with your JobQueue and WorkerPool (see config/samples/aws)");
        }

        var time = TimeProvider.System;
        var clock = Stopwatch.StartNew();
        var logger = loggers.CreateLogger("shoal");
        var (jobQueue, workerPool) = LoadOnePool(settings.Manifests);
        var pool = SpecMapper.ToPoolSettings(workerPool);
        if (settings.Workers is { } cap)
        {
            pool = pool with { MaxWorkers = Math.Min(cap, pool.MaxWorkers), MinWorkers = Math.Min(pool.MinWorkers, cap) };
        }

        Say(settings, $"Setting up JobQueue {jobQueue.Metadata.Name} on AWS{(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") is { Length: > 0 } endpoint ? $" at {endpoint}" : string.Empty)}: queues, job table, ingest.");
        await using var engine = await AwsEngine.OpenAsync(jobQueue, time, logger, cancellationToken);
        var queue = SpecMapper.ToQueueSettings(jobQueue) with { Name = engine.Queue.Name };
        var submitted = await SubmitAsync(settings, settings.Jobs, engine.Queue, engine.Ledger, queue.Defaults, time, cancellationToken);
        await engine.StartWorkersAsync(jobQueue, workerPool, time, logger, cancellationToken);

        // Instances an earlier run of this queue left behind (it crashed, or was killed) belong to no live
        // worker: nothing in this process drives them, so they only cost money.
        var orphans = await engine.CollectOrphansAsync(jobQueue, new HashSet<string>(), TimeSpan.Zero, time, logger, cancellationToken);
        if (orphans.Count > 0)
        {
            Say(settings, $"Terminated {orphans.Count} instances an earlier run left behind: {string.Join(", ", orphans)}.");

            // Their jobs cannot be running any more: end the leases now so they are claimed again (as
            // interruptions) as soon as SQS shows their messages, not when the leases run out.
            var dead = orphans.ToHashSet(StringComparer.Ordinal);
            foreach (var running in await engine.Ledger.ListAsync(engine.Queue.Name, JobStatus.Running, cancellationToken))
            {
                if (running.LeaseOwner is { } owner && dead.Contains(owner))
                {
                    await engine.Ledger.TryWriteAsync(running, JobTransitions.LeaseRevoked(running, time.GetUtcNow()), cancellationToken);
                }
            }
        }

        var activity = new RunActivity();
        var runner = new PoolRunner(
            engine.Ports(), queue, pool, AwsEngine.LoopOptions,
            // Each look costs SQS requests; the runner also looks at once whenever a worker retires.
            new PoolRunnerOptions { ScaleInterval = TimeSpan.FromSeconds(10) },
            time, activity, engine.Ingest, logger);
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var interruptions = engine.Interruptions(runner, time, logger).RunAsync(listening.Token);
        var commandEvents = engine.CommandEvents(time, logger).RunAsync(listening.Token);
        var scanner = engine.Adoption(workerPool, time);
        if (scanner is not null)
        {
            await AdoptOnceAsync(scanner, engine.Queue.Name, runner, settings, cancellationToken);
        }

        var adoption = scanner is null ? Task.CompletedTask : AdoptAsync(scanner, engine.Queue.Name, runner, settings, listening.Token);
        var run = runner.RunAsync(untilDrained: true, cancellationToken);
        // Each refresh reads the job table and the queue: on AWS that is three requests, so refresh slowly.
        await ShowProgressAsync(settings, engine.Ledger, engine.Queue, runner, activity, run, clock, TimeSpan.FromSeconds(2));
        await run;
        await listening.CancelAsync();
        await interruptions;
        await IgnoreCancellation(commandEvents);
        await adoption;
        await ReportAsync(settings, engine.Ledger, engine.Queue, runner, submitted, 0, clock, "aws", null, engine.Calls.Total);
        return 0;
    }

    /// <summary>The first adoption scan runs before the scaler's first look, so adopted instances count as supply.</summary>
    private async Task<int> AdoptOnceAsync(AdoptionScanner scanner, string queueName, PoolRunner runner, RunSettings settings, CancellationToken cancellationToken)
    {
        var adopted = 0;
        foreach (var worker in await scanner.ScanAsync(queueName, cancellationToken))
        {
            if (runner.Adopt(worker, cancellationToken))
            {
                adopted++;
                Say(settings, $"Adopted {worker.WorkerId} ({worker.InstanceType}): it carries {scanner.TagKey}={queueName}; it runs jobs and is terminated when the queue is drained.");
            }
        }

        return adopted;
    }

    private async Task AdoptAsync(AdoptionScanner scanner, string queueName, PoolRunner runner, RunSettings settings, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(15), cancellationToken);
                await AdoptOnceAsync(scanner, queueName, runner, settings, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Warn(settings, $"adoption scan failed, trying again: {e.Message}");
            }
        }
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Stopped with the run: expected.
        }
    }

    private async Task<int> SubmitAsync(RunSettings settings, string[] jobs, IJobQueue queue, IJobLedger ledger, JobDefaults defaults, TimeProvider time, CancellationToken cancellationToken)
    {
        if (jobs.Length == 0)
        {
            return 0;
        }

        var result = await Submitter.SubmitAsync(JobFileReader.Read(jobs), queue, ledger, defaults, time, cancellationToken);
        foreach (var line in result.Skipped)
        {
            Warn(settings, line);
        }

        foreach (var line in result.Invalid)
        {
            Warn(settings, $"invalid job, recorded as FAILED InvalidJob: {line}");
        }

        return result.Sent;
    }

    private async Task ReportAsync(RunSettings settings, IJobLedger ledger, IJobQueue queue, PoolRunner runner, int submitted, int recovered, Stopwatch clock, string provider, string? stateDir, long? awsCalls)
    {
        var counts = await ledger.GetCountsAsync(queue.Name, CancellationToken.None);
        var depth = await queue.GetDepthAsync(CancellationToken.None);
        var summary = new RunSummary
        {
            Provider = provider,
            Queue = queue.Name,
            Submitted = counts.Jobs,
            SubmittedThisRun = submitted,
            Succeeded = counts.Succeeded,
            Failed = counts.Failed,
            Invalid = counts.Invalid,
            Queued = counts.Queued,
            Running = counts.Running,
            Attempts = counts.Attempts,
            Interruptions = counts.Interruptions,
            DeadLettered = depth.DeadLettered,
            Recovered = recovered,
            WorkersLaunched = runner.WorkersLaunched,
            WorkersTerminated = runner.WorkersTerminated,
            WorkersAdopted = runner.WorkersAdopted,
            ElapsedSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            StateDir = stateDir,
            AwsCalls = awsCalls,
        };

        if (settings.Json)
        {
            Console.Out.WriteLine(CliJson.Serialize(summary));
        }
        else
        {
            PrintSummary(summary);
        }
    }

    private static (JobQueue Queue, WorkerPool Pool) LoadOnePool(string directory)
    {
        ManifestSet manifests;
        try
        {
            manifests = ManifestLoader.Load(directory);
        }
        catch (ManifestException e)
        {
            throw new UserException(e.Message);
        }

        if (manifests.WorkerPools.Count == 0)
        {
            throw new UserException($"--manifests {directory}: no WorkerPool found; add a WorkerPool (apiVersion shoal.dev/v1alpha1) whose spec.jobQueueRef.name names your JobQueue");
        }

        if (manifests.WorkerPools.Count > 1)
        {
            throw new UserException($"--manifests {directory}: {manifests.WorkerPools.Count} WorkerPools found ({string.Join(", ", manifests.WorkerPools.Select(p => p.Metadata.Name))}); `shoal run` drives one pool: keep one in the folder");
        }

        var pool = manifests.WorkerPools[0];
        return (manifests.JobQueueFor(pool), pool);
    }

    private static (QueueSettings Queue, PoolSettings Pool, FolderIngestOptions? Ingest) Configure(RunSettings settings, StateDirectory state)
    {
        if (settings.Manifests is null)
        {
            var queue = new QueueSettings { Name = "default", Defaults = new JobDefaults { Retry = 3 } };
            var pool = new PoolSettings
            {
                Name = "local",
                MaxWorkers = settings.Workers ?? DefaultWorkers,
                IdleTimeout = TimeSpan.FromSeconds(1),
            };
            return (queue, pool, new FolderIngestOptions { Directory = state.IngestDirectory, Retry = queue.Defaults.Retry });
        }

        var (jobQueue, workerPool) = LoadOnePool(settings.Manifests);
        var queueSettings = SpecMapper.ToQueueSettings(jobQueue);
        var poolSettings = SpecMapper.ToPoolSettings(workerPool);
        if (settings.Workers is { } cap)
        {
            poolSettings = poolSettings with { MaxWorkers = Math.Min(cap, poolSettings.MaxWorkers), MinWorkers = Math.Min(poolSettings.MinWorkers, cap) };
        }

        var spec = jobQueue.Spec;
        var ingestPath = spec.Ingest?.LocalPath is { } local ? Path.GetFullPath(local) : state.IngestDirectory;
        var ingest = new FolderIngestOptions
        {
            Directory = ingestPath,
            ExecutableSuffix = spec.Ingest?.ExecutableSuffix ?? ".sh",
            Retry = queueSettings.Defaults.Retry,
            SuccessString = queueSettings.Defaults.SuccessString,
            TimeoutSeconds = queueSettings.Defaults.TimeoutSeconds,
        };
        return (queueSettings, poolSettings, ingest);
    }

    private async Task ShowProgressAsync(RunSettings settings, IJobLedger ledger, IJobQueue queue, PoolRunner runner, RunActivity activity, Task run, Stopwatch clock, TimeSpan refresh)
    {
        if (settings.Json || !console.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            // Not a terminal: a plain progress line on stderr every few seconds, so long runs in CI or
            // under nohup still show they are alive.
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(settings.Json ? 10 : 3)));
                if (!run.IsCompleted && !settings.Json)
                {
                    var counts = await ledger.GetCountsAsync(queue.Name, CancellationToken.None);
                    await Console.Error.WriteLineAsync($"[{clock.Elapsed:mm\\:ss}] {counts.Succeeded} succeeded, {counts.Failed} failed, {counts.Running} running, {counts.Queued} queued; {runner.Workers.Count} workers");
                }
            }

            return;
        }

        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var jobs = progress.AddTask("jobs", maxValue: 1);
                var workers = progress.AddTask("workers", maxValue: 1);
                while (true)
                {
                    var counts = await ledger.GetCountsAsync(queue.Name, CancellationToken.None);
                    var depth = await queue.GetDepthAsync(CancellationToken.None);
                    var total = Math.Max(counts.Jobs, counts.Succeeded + counts.Failed + depth.Visible);
                    jobs.MaxValue = Math.Max(1, total);
                    jobs.Value = counts.Succeeded + counts.Failed;
                    jobs.Description = $"[green]{counts.Succeeded} ok[/] [red]{counts.Failed} failed[/] {counts.Running} running {counts.Queued} queued · {counts.Interruptions} interrupted";
                    var phases = activity.Phases.Values.ToList();
                    var busy = phases.Count(p => p == WorkerPhase.Running);
                    workers.MaxValue = Math.Max(1, phases.Count);
                    workers.Value = busy;
                    workers.Description = $"workers: {busy} busy / {phases.Count} up · {runner.WorkersLaunched} launched, {runner.WorkersTerminated} retired";
                    if (run.IsCompleted)
                    {
                        jobs.Value = jobs.MaxValue;
                        jobs.StopTask();
                        workers.StopTask();
                        return;
                    }

                    await Task.WhenAny(run, Task.Delay(refresh));
                }
            });

        foreach (var line in activity.Recent)
        {
            console.MarkupLine(line);
        }
    }

    private void PrintSummary(RunSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("shoal run").HideHeaders().AddColumn("").AddColumn(new TableColumn("").RightAligned());
        table.AddRow("jobs", summary.Submitted.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("[green]succeeded[/]", summary.Succeeded.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("[red]failed[/]", $"{summary.Failed} ({summary.Invalid} invalid)");
        table.AddRow("attempts", summary.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("interruptions", summary.Interruptions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("workers launched / retired", $"{summary.WorkersLaunched} / {summary.WorkersTerminated}");
        table.AddRow("elapsed", $"{summary.ElapsedSeconds:0.0} s");
        console.Write(table);
        if (summary.StateDir is { } stateDir)
        {
            console.MarkupLine($"Inspect with [bold]shoal jobs --state-dir {Markup.Escape(stateDir)}[/] and [bold]shoal job <id> --state-dir {Markup.Escape(stateDir)}[/].");
        }
        else
        {
            console.MarkupLine($"{summary.AwsCalls} AWS requests. Job records are in DynamoDB: [bold]aws dynamodb get-item --table-name <table> --key '{{\"job_id\":{{\"S\":\"<id>\"}}}}'[/].");
        }
    }

    private void Say(RunSettings settings, string line)
    {
        if (settings.Json)
        {
            Console.Error.WriteLine(line);
        }
        else
        {
            console.MarkupLine(Markup.Escape(line));
        }
    }

    private void Warn(RunSettings settings, string line)
    {
        if (settings.Json)
        {
            Console.Error.WriteLine("warning: " + line);
        }
        else
        {
            console.MarkupLine("[yellow]warning:[/] " + Markup.Escape(line));
        }
    }
}
