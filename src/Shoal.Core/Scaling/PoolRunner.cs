using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Workers;

namespace Shoal.Core.Scaling;

/// <summary>
/// Runs one pool in one process: the scaler launches workers for the queue's demand, each worker gets
/// its own <see cref="WorkerLoop"/> (async, no thread per worker), and ingest is polled on the same tick.
/// Used by `shoal run`; the operator drives the same loops from its Worker controller.
/// </summary>
public sealed class PoolRunner : IRetirementGate, IWorkerSignals
{
    private readonly WorkerLoopPorts ports;
    private readonly QueueSettings queueSettings;
    private readonly PoolSettings pool;
    private readonly WorkerLoopOptions loopOptions;
    private readonly PoolRunnerOptions options;
    private readonly TimeProvider time;
    private readonly IEngineObserver observer;
    private readonly IJobIngest? ingest;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, WorkerRun> workers = new();
    private readonly HashSet<string> retiring = [];
    private readonly SemaphoreSlim wake = new(0);
    private int launchSequence;
    private int launched;
    private int terminated;
    private int adopted;
    private int desired;

    public PoolRunner(
        WorkerLoopPorts ports,
        QueueSettings queueSettings,
        PoolSettings pool,
        WorkerLoopOptions loopOptions,
        PoolRunnerOptions options,
        TimeProvider time,
        IEngineObserver? observer = null,
        IJobIngest? ingest = null,
        ILogger? logger = null)
    {
        this.ports = ports;
        this.queueSettings = queueSettings;
        this.pool = pool;
        this.loopOptions = loopOptions;
        this.options = options;
        this.time = time;
        this.observer = observer ?? NullEngineObserver.Instance;
        this.ingest = ingest;
        this.logger = logger ?? NullLogger.Instance;
    }

    public int WorkersLaunched => Volatile.Read(ref launched);

    public int WorkersTerminated => Volatile.Read(ref terminated);

    public int WorkersAdopted => Volatile.Read(ref adopted);

    /// <summary>What the scaling policy asked for at the last look at the queue (the WorkerPool's status.desired).</summary>
    public int Desired => Volatile.Read(ref desired);

    public IReadOnlyCollection<WorkerLoop> Workers => workers.Values.Select(w => w.Loop).ToList();

    /// <summary>
    /// Scales and supervises until cancelled, or, with <paramref name="untilDrained"/>, until the queue
    /// holds nothing (visible, in flight or delayed), ingest found nothing new, and every worker retired.
    /// </summary>
    public async Task RunAsync(bool untilDrained, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var drained = false;
                try
                {
                    drained = await TickAsync(untilDrained, cancellationToken) && untilDrained;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Pool {Pool}: scaling tick failed; trying again", pool.Name);
                }

                if (drained)
                {
                    return;
                }

                await WaitForTickAsync(cancellationToken);
            }
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // The host is stopping: let every loop notice and return without terminating workers.
                await Task.WhenAll(workers.Values.Select(w => w.Task));
            }
        }
    }

    /// <summary>Interrupt every worker: running jobs are requeued without spending their budget.</summary>
    public void InterruptAll(string reason)
    {
        foreach (var worker in workers.Values)
        {
            worker.Loop.Interrupt(reason);
        }
    }

    /// <summary>
    /// Gives a worker loop to an instance someone else launched (the seed's Part 1: an instance with the
    /// scheduler's tag). It retires like any other worker. False when this runner drives it already.
    /// </summary>
    public bool Adopt(WorkerInfo worker, CancellationToken cancellationToken, JobRecord? resume = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        if (workers.ContainsKey(worker.WorkerId))
        {
            return false;
        }

        Interlocked.Increment(ref adopted);
        Start(worker, cancellationToken, resume);
        return true;
    }

    public bool Interrupt(string workerId, string reason)
    {
        if (!workers.TryGetValue(workerId, out var worker))
        {
            return false;
        }

        worker.Loop.Interrupt(reason);
        return true;
    }

    public bool Drain(string workerId, string reason)
    {
        if (!workers.TryGetValue(workerId, out var worker))
        {
            return false;
        }

        worker.Loop.RequestDrain(reason);
        return true;
    }

    /// <summary>Waits for every worker loop to end (after <see cref="InterruptAll"/>).</summary>
    public Task WhenWorkersStoppedAsync() => Task.WhenAll(workers.Values.Select(w => w.Task));

    public bool TryRetire(string workerId)
    {
        lock (retiring)
        {
            if (workers.Count - retiring.Count - 1 < pool.MinWorkers)
            {
                return false;
            }

            retiring.Add(workerId);
            return true;
        }
    }

    /// <summary>Returns true when there is nothing left to do.</summary>
    private async Task<bool> TickAsync(bool untilDrained, CancellationToken cancellationToken)
    {
        var ingested = ingest is null ? 0 : await ingest.PollAsync(cancellationToken);
        var depth = await ports.Queue.GetDepthAsync(cancellationToken);
        int active;
        lock (retiring)
        {
            active = workers.Count - retiring.Count;
        }

        var nothingLeft = ingested == 0 && depth.IsEmpty;
        if (untilDrained && nothingLeft)
        {
            // Nothing visible, in flight or delayed: every worker is idle and none will get work, so
            // a run that ends when drained need not wait out their idle timeouts, nor keep a minimum.
            // Only idle workers are asked; a busy one is never stopped.
            foreach (var worker in workers.Values.Where(w => w.Loop.Phase == WorkerPhase.Idle))
            {
                worker.Loop.RequestDrain("QueueDrained");
            }

            return workers.IsEmpty;
        }

        // In-flight jobs are demand only while our own workers run them: the rest run on another pool's
        // or host's workers, or wait out a lease or a retry delay, and a new worker here would only idle.
        var busy = workers.Values.Count(w => w.Loop.Phase == WorkerPhase.Running);
        var ours = depth with { InFlight = Math.Min(depth.InFlight, busy) };
        Volatile.Write(ref desired, ScalingPolicy.Desired(ours, pool));
        var toLaunch = Math.Min(options.MaxLaunchBatch, ScalingPolicy.WorkersToLaunch(ours, active, 0, pool));
        if (toLaunch > 0)
        {
            await LaunchAsync(toLaunch, cancellationToken);
        }

        return false;
    }

    private async Task LaunchAsync(int count, CancellationToken cancellationToken)
    {
        var token = $"{pool.Name}-{Interlocked.Increment(ref launchSequence)}";
        var infos = await ports.Fleet.LaunchAsync(new LaunchRequest(pool.Name, ports.Queue.Name, count, token), cancellationToken);
        if (infos.Count < count)
        {
            logger.LogInformation("Pool {Pool}: asked for {Count} workers, got {Got}", pool.Name, count, infos.Count);
        }

        foreach (var info in infos)
        {
            Interlocked.Increment(ref launched);
            Start(info, cancellationToken);
        }
    }

    private void Start(WorkerInfo info, CancellationToken cancellationToken, JobRecord? resume = null)
    {
        var loop = new WorkerLoop(info.WorkerId, ports, queueSettings, pool, loopOptions, time, this, observer, logger);
        if (resume is not null)
        {
            loop.Resume(resume);
        }

        observer.WorkerPhaseChanged(info.WorkerId, WorkerPhase.Launching, info.InstanceType);
        var run = new WorkerRun(loop);
        workers[info.WorkerId] = run;
        run.Task = Task.Run(() => SuperviseAsync(loop, cancellationToken), CancellationToken.None);
    }

    private async Task SuperviseAsync(WorkerLoop loop, CancellationToken cancellationToken)
    {
        try
        {
            var exit = await loop.RunAsync(cancellationToken);
            if (exit.Reason != "HostStopping")
            {
                Interlocked.Increment(ref terminated);
            }

            logger.LogDebug("Worker {Worker} retired: {Reason} after {Jobs} jobs", exit.WorkerId, exit.Reason, exit.JobsDone);
        }
        catch (Exception e)
        {
            observer.WorkerError(loop.WorkerId, "run", e);
            logger.LogError(e, "Worker {Worker} stopped unexpectedly", loop.WorkerId);
        }
        finally
        {
            lock (retiring)
            {
                workers.TryRemove(loop.WorkerId, out _);
                retiring.Remove(loop.WorkerId);
            }

            wake.Release();
        }
    }

    private async Task WaitForTickAsync(CancellationToken cancellationToken)
    {
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(options.ScaleInterval, time, tick.Token);
        var woken = wake.WaitAsync(tick.Token);
        await Task.WhenAny(delay, woken);
        await tick.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        while (wake.CurrentCount > 0 && await wake.WaitAsync(0, CancellationToken.None))
        {
            // Several workers retiring at once need one tick, not one each.
        }
    }

    private sealed class WorkerRun(WorkerLoop loop)
    {
        public WorkerLoop Loop { get; } = loop;

        public Task Task { get; set; } = Task.CompletedTask;
    }
}
