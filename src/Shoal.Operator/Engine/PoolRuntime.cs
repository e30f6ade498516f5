using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Aws.Hosting;
using Shoal.Aws.Sdk;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Scaling;
using Shoal.Core.Workers;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Engine;

/// <summary>
/// One WorkerPool at work: the engine's PoolRunner on the AWS adapters, with its interruption and
/// command-event listeners and tag adoption. Built from the pool's and its queue's specs at one
/// generation; a spec change replaces the runtime, and the new one adopts the old one's workers and
/// re-attaches to their running jobs, exactly as after an operator restart.
/// </summary>
internal sealed class PoolRuntime : IAsyncDisposable
{
    private readonly AwsEngine engine;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> tasks = [];
    private readonly ILogger logger;

    private PoolRuntime(AwsEngine engine, PoolRunner runner, PoolObserver observer, WorkerFleetBridge fleet, string queueName, long poolGeneration, long queueGeneration, ILogger logger)
    {
        this.engine = engine;
        Runner = runner;
        Observer = observer;
        Fleet = fleet;
        QueueName = queueName;
        PoolGeneration = poolGeneration;
        QueueGeneration = queueGeneration;
        this.logger = logger;
    }

    public PoolRunner Runner { get; }

    public PoolObserver Observer { get; }

    public WorkerFleetBridge Fleet { get; }

    public string QueueName { get; }

    public long PoolGeneration { get; }

    public long QueueGeneration { get; }

    /// <summary>
    /// Sets up the pool's AWS side and starts it. <paramref name="existing"/> are the pool's Worker CRs:
    /// live instances are adopted (with their running job, if any); lost ones are retired at once.
    /// </summary>
    public static async Task<PoolRuntime> StartAsync(PoolRuntimeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (jobQueue, pool) = (request.JobQueue, request.Pool);
        var logger = request.Logger;
        var time = request.Time;
        var engine = await AwsEngine.OpenAsync(jobQueue, request.Clients, time, logger, cancellationToken);
        try
        {
            await engine.StartWorkersAsync(jobQueue, pool, time, logger, cancellationToken, request.OwnerId);
            var fleet = new WorkerFleetBridge(engine.Fleet!, request.Workers, pool, time, logger, request.Metrics);
            var ns = pool.Metadata.Namespace ?? "default";
            var observer = new PoolObserver(request.WorkerChanged, outcome => request.Metrics.CountJobFinished(ns, jobQueue.Metadata.Name, outcome));
            var queueSettings = SpecMapper.ToQueueSettings(jobQueue) with { Name = engine.Queue.Name };
            var runner = new PoolRunner(
                new WorkerLoopPorts(engine.Queue, engine.Ledger, engine.Runner!, fleet),
                queueSettings,
                SpecMapper.ToPoolSettings(pool),
                AwsEngine.LoopOptions,
                // Each look at the queue costs SQS requests; the runner also looks whenever a worker retires.
                new PoolRunnerOptions { ScaleInterval = request.ScaleInterval },
                time,
                observer,
                engine.Ingest,
                logger);
            var runtime = new PoolRuntime(engine, runner, observer, fleet, engine.Queue.Name, pool.Metadata.Generation ?? 0, jobQueue.Metadata.Generation ?? 0, logger);
            await runtime.AdoptAsync(request.ExistingWorkers, time, cancellationToken);
            runtime.Start(pool, request.Events, time);
            return runtime;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    public bool Runs(string workerId) => Runner.Workers.Any(w => w.WorkerId == workerId);

    public bool Interrupt(string workerId, string reason) => Runner.Interrupt(workerId, reason);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        foreach (var task in tasks)
        {
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
                // Stopping is the point.
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A task of pool runtime {Queue} ended with an error while stopping", QueueName);
            }
        }

        await engine.DisposeAsync();
        stopping.Dispose();
    }

    private async Task AdoptAsync(IReadOnlyList<Worker> existing, TimeProvider time, CancellationToken cancellationToken)
    {
        if (existing.Count == 0)
        {
            return;
        }

        var running = await engine.Ledger.ListAsync(QueueName, JobStatus.Running, cancellationToken);
        foreach (var worker in existing)
        {
            var id = worker.Spec.InstanceId;
            var job = running.FirstOrDefault(j => j.LeaseOwner == id);
            var info = await engine.Fleet!.DescribeAsync(id, cancellationToken);
            if (info is null || info.State is WorkerState.Terminated or WorkerState.ShuttingDown)
            {
                // Gone while nobody watched: its job cannot be running, so end the lease now rather than
                // when it runs out, and retire the Worker (its finalizer terminates what is left).
                if (job is not null)
                {
                    await engine.Ledger.TryWriteAsync(job, JobTransitions.LeaseRevoked(job, time.GetUtcNow()), cancellationToken);
                }

                await Fleet.TerminateAsync(id, "LostWhileOperatorWasAway", cancellationToken);
                continue;
            }

            logger.LogInformation("Adopting worker {Worker}{Job}", id, job is null ? "" : $" and re-attaching to job {job.JobId}");
            Runner.Adopt(info, stopping.Token, job);
        }
    }

    private void Start(WorkerPool pool, IEventRecorder events, TimeProvider time)
    {
        var token = stopping.Token;
        tasks.Add(Task.Run(() => Runner.RunAsync(untilDrained: false, token), CancellationToken.None));
        var signals = new WorkerSignalEvents(Runner, pool, events, logger);
        tasks.Add(Task.Run(() => engine.Interruptions(signals, time, logger).RunAsync(token), CancellationToken.None));
        tasks.Add(Task.Run(() => engine.CommandEvents(time, logger).RunAsync(token), CancellationToken.None));
        if (engine.Adoption(pool, time) is { } scanner)
        {
            tasks.Add(Task.Run(() => AdoptTaggedAsync(scanner, time, token), CancellationToken.None));
        }
    }

    // The seed's Part 1: instances someone else launched with the pool's tag key and this queue's name.
    private async Task AdoptTaggedAsync(Aws.Fleet.AdoptionScanner scanner, TimeProvider time, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var info in await scanner.ScanAsync(QueueName, cancellationToken))
                {
                    if (!Runs(info.WorkerId))
                    {
                        await Fleet.RegisterAsync(info, adopted: true, cancellationToken);
                        Runner.Adopt(info, cancellationToken);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Scanning for instances tagged {TagKey}={Queue} failed; trying again", scanner.TagKey, QueueName);
            }

            await Task.Delay(TimeSpan.FromSeconds(30), time, cancellationToken);
        }
    }
}
