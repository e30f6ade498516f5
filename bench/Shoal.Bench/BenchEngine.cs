using System.Diagnostics;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Scaling;
using Shoal.Core.Workers;
using Shoal.Local.Commands;
using Shoal.Local.Fleet;
using Shoal.Local.Ingest;
using Shoal.Local.Ledger;
using Shoal.Local.Queue;

namespace Shoal.Bench;

/// <summary>What one engine run produced.</summary>
internal sealed record EngineRun
{
    public required string StateDirectory { get; init; }

    public required int Workers { get; init; }

    public required IReadOnlyList<AttemptTimes> Attempts { get; init; }

    public required IReadOnlyList<TraceSpan> Spans { get; init; }

    public required IReadOnlyDictionary<string, long> LaunchedAt { get; init; }

    public required JobCounts Counts { get; init; }

    public required long SubmitStartTicks { get; init; }

    public required long RunnerStartTicks { get; init; }

    /// <summary>PoolRunner.RunAsync returned: queue empty and every worker retired (after its idle timeout).</summary>
    public required long DrainedTicks { get; init; }

    public required double SubmitSeconds { get; init; }

    public required IReadOnlyCollection<string> Errors { get; init; }

    public required int Warnings { get; init; }

    public required int Rejected { get; init; }

    public required bool Traced { get; init; }

    /// <summary>CPU used between the runner's start and the drain, by the engine process and by the jobs' processes.</summary>
    public required CpuTime Cpu { get; init; }
}

/// <summary>
/// The embedded engine put together the way `shoal run` does it (src/Shoal.Cli/Local/LocalEngine.cs and
/// Commands/RunCommand.cs): SQLite queue and ledger in a state directory, the local sandbox fleet, the
/// bash runner, folder ingest, and a PoolRunner with a 100 ms scale interval, default loop options and a
/// 1 s idle timeout. Each run gets a fresh state directory under the state root. The only additions are the
/// recording observer and, unless disabled, timing decorators around the four ports.
/// </summary>
internal static class BenchEngine
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(15);

    public static async Task<EngineRun> RunAsync(IReadOnlyList<BenchJob> jobs, int workers, bool trace, StateDirectories states, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var root = states.Create("shoal-bench-");
        // As RunCommand's defaults without manifests: queue "default" with retry 3, pool "local".
        var queueSettings = new QueueSettings { Name = "default", Defaults = new JobDefaults { Retry = 3 } };
        var pool = new PoolSettings { Name = "local", MaxWorkers = workers, IdleTimeout = TimeSpan.FromSeconds(1) };

        var queue = new SqliteJobQueue(Path.Combine(root, "queue.db"), queueSettings.Name, time);
        var ledger = new SqliteJobLedger(Path.Combine(root, "ledger.db"), time);
        LocalCommandRunner? runner = null;
        try
        {
            var submitStart = time.GetUtcNow().UtcTicks;
            var submitClock = Stopwatch.StartNew();
            await SubmitAsync(jobs, queue, ledger, queueSettings, time, cancellationToken);
            var submitSeconds = submitClock.Elapsed.TotalSeconds;

            // What LocalEngine.StartWorkersAsync does; on a fresh directory the recovery steps find nothing.
            LocalCommandRunner.ReapOrphans(root);
            await queue.RecoverInFlightAsync(cancellationToken);
            var fleet = new LocalWorkerFleet(new LocalFleetOptions { StateDirectory = root }, time);
            runner = new LocalCommandRunner(fleet, time);
            var ingest = new FolderIngest(new FolderIngestOptions { Directory = Path.Combine(root, "ingest"), Retry = queueSettings.Defaults.Retry }, queue, ledger, time);

            var tracer = new PortTrace(time);
            var ports = trace
                ? new WorkerLoopPorts(new TracingJobQueue(queue, tracer), new TracingJobLedger(ledger, tracer), new TracingCommandRunner(runner, tracer), new TracingWorkerFleet(fleet, tracer))
                : new WorkerLoopPorts(queue, ledger, runner, fleet);
            var observer = new RecordingObserver(time);
            var logger = new CountingLogger();
            var poolRunner = new PoolRunner(
                ports, queueSettings, pool, new WorkerLoopOptions(), new PoolRunnerOptions { ScaleInterval = TimeSpan.FromMilliseconds(100) },
                time, observer, ingest, logger);

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(RunLimit);
            var runnerStart = time.GetUtcNow().UtcTicks;
            var cpuBefore = CpuTime.Now();
            try
            {
                await poolRunner.RunAsync(untilDrained: true, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the engine did not drain {jobs.Count} jobs within {RunLimit}; state kept in {root}");
            }

            var drained = time.GetUtcNow().UtcTicks;
            var cpu = CpuTime.Now() - cpuBefore;
            return new EngineRun
            {
                StateDirectory = root,
                Workers = workers,
                Attempts = observer.Attempts(),
                Spans = tracer.Snapshot(),
                LaunchedAt = new Dictionary<string, long>(observer.LaunchedAt),
                Counts = await ledger.GetCountsAsync(queueSettings.Name, CancellationToken.None),
                SubmitStartTicks = submitStart,
                RunnerStartTicks = runnerStart,
                DrainedTicks = drained,
                SubmitSeconds = submitSeconds,
                Errors = [.. observer.Errors],
                Warnings = logger.Warnings,
                Rejected = observer.Rejected,
                Traced = trace,
                Cpu = cpu,
            };
        }
        finally
        {
            runner?.Dispose();
            await queue.DisposeAsync();
            await ledger.DisposeAsync();
        }
    }

    /// <summary>The stdout the job's attempt wrote, where the local runner keeps it.</summary>
    public static string? ReadStdout(EngineRun run, string jobId, int attempt)
    {
        var path = Path.Combine(LocalCommandRunner.AttemptDirectory(run.StateDirectory, jobId, attempt), "stdout");
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    // What Submitter in the CLI does for each valid job: send, then register it as QUEUED.
    private static async Task SubmitAsync(IReadOnlyList<BenchJob> jobs, IJobQueue queue, IJobLedger ledger, QueueSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
        {
            var body = job.ToMessage();
            var spec = JobMessageParser.Parse(body, settings.Defaults).Job
                ?? throw new InvalidOperationException($"bench job {job.JobId} does not parse: {body}");
            await queue.SendAsync(body, TimeSpan.Zero, cancellationToken);
            await ledger.TryWriteAsync(null, JobTransitions.Registered(queue.Name, spec, body, time.GetUtcNow()), cancellationToken);
        }
    }
}
