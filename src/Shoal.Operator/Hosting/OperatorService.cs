using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Aws.Errors;
using Shoal.Aws.Fleet;
using Shoal.Aws.Sdk;
using Shoal.Operator.Controllers;
using Shoal.Operator.Engine;
using Shoal.Operator.Observability;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Hosting;

/// <summary>
/// The operator's one background service: win the Lease (when leader election is on), then run the three
/// controllers, the garbage collector and the AWS metrics until stopped or the Lease is lost. Stopping
/// leaves every worker and running job in place for the next leader to adopt.
/// </summary>
internal sealed class OperatorService(
    OperatorOptions options,
    k8s.Kubernetes kube,
    OperatorMetrics metrics,
    OperatorHealth health,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger logger = loggers.CreateLogger<OperatorService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.LeaderElect)
        {
            await LeadAsync(stoppingToken);
            return;
        }

        var election = new LeaderElection(kube, new LeaderElectionOptions
        {
            LeaseName = options.LeaseName,
            Namespace = options.LeaseNamespace ?? Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default",
            Identity = options.Identity ?? $"{Environment.MachineName}-{Environment.ProcessId}",
        }, loggers.CreateLogger<LeaderElection>(), metrics: metrics);
        await election.RunAsync(LeadAsync, stoppingToken);
    }

    private async Task LeadAsync(CancellationToken ct)
    {
        health.Leading = true;
        logger.LogInformation("Leading: starting controllers{Scope}", string.IsNullOrEmpty(options.Namespace) ? " for all namespaces" : $" for namespace {options.Namespace}");
        var ns = string.IsNullOrEmpty(options.Namespace) ? null : options.Namespace;
        using var aws = new AwsClients(AwsClientOptions.FromEnvironment());
        await using var queues = new QueueRegistry(aws, time, loggers.CreateLogger<QueueRegistry>());
        await using var pools = new PoolRegistry();
        var jobQueues = new KubeResourceClient<JobQueue>(kube, ResourceKind.JobQueue);
        var workerPools = new KubeResourceClient<WorkerPool>(kube, ResourceKind.WorkerPool);
        var workers = new KubeResourceClient<Worker>(kube, ResourceKind.Worker);
        var context = new OperatorContext
        {
            JobQueues = jobQueues,
            WorkerPools = workerPools,
            Workers = workers,
            JobQueueCache = new Informer<JobQueue>(jobQueues, ns, time, loggers.CreateLogger<Informer<JobQueue>>()),
            WorkerPoolCache = new Informer<WorkerPool>(workerPools, ns, time, loggers.CreateLogger<Informer<WorkerPool>>()),
            WorkerCache = new Informer<Worker>(workers, ns, time, loggers.CreateLogger<Informer<Worker>>()),
            Aws = aws,
            Queues = queues,
            Pools = pools,
            Terminator = new InstanceTerminator(new Ec2Api(aws.Ec2), new AwsRetry(time)),
            Events = new KubeEventRecorder(kube, time, loggers.CreateLogger<KubeEventRecorder>()),
            Metrics = metrics,
            OwnerId = options.OwnerId,
            Time = time,
            Loggers = loggers,
            StatusInterval = TimeSpan.FromSeconds(options.StatusIntervalSeconds),
            ScaleInterval = TimeSpan.FromSeconds(options.ScaleIntervalSeconds),
        };
        var coalescer = new StatusCoalescer(TimeSpan.FromSeconds(1));
        var n = options.WorkersPerController;
        var queueController = new Controller<JobQueue>(context.JobQueueCache, new JobQueueReconciler(context), n, time, metrics, loggers.CreateLogger("Shoal.Controller.JobQueue"));
        var poolController = new Controller<WorkerPool>(context.WorkerPoolCache, new WorkerPoolReconciler(context), n, time, metrics, loggers.CreateLogger("Shoal.Controller.WorkerPool"));
        var workerController = new Controller<Worker>(context.WorkerCache, new WorkerReconciler(context, coalescer), n, time, metrics, loggers.CreateLogger("Shoal.Controller.Worker"));
        coalescer.Enqueue = workerController.EnqueueAfter;
        context.WorkerChanged = coalescer.Poke;

        // Cross-kind triggers: a pool follows its queue's readiness; a queue and a pool count their Workers.
        context.JobQueueCache.Changed += e =>
        {
            foreach (var pool in context.WorkerPoolCache.List().Where(p => SameNamespace(p, e.Resource) && p.Spec.JobQueueRef.Name == e.Resource.Metadata.Name))
            {
                poolController.Enqueue(ResourceKeys.Of(pool));
            }
        };
        context.WorkerCache.Changed += e =>
        {
            var ns = e.Resource.Metadata.Namespace ?? "default";
            poolController.Enqueue(new ResourceKey(ns, e.Resource.Spec.PoolName));
        };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tasks = new List<Task>
        {
            context.JobQueueCache.RunAsync(stop.Token),
            context.WorkerPoolCache.RunAsync(stop.Token),
            context.WorkerCache.RunAsync(stop.Token),
        };

        // Every cache is full before any controller runs: a pool started on an empty Worker cache would
        // not adopt the previous leader's workers, and their running jobs would wait out their leases.
        await context.JobQueueCache.WaitForSyncAsync(ct);
        await context.WorkerPoolCache.WaitForSyncAsync(ct);
        await context.WorkerCache.WaitForSyncAsync(ct);
        health.Synced = true;
        tasks.AddRange(
        [
            queueController.RunAsync(stop.Token),
            poolController.RunAsync(stop.Token),
            workerController.RunAsync(stop.Token),
            CollectGarbageAsync(context, stop.Token),
            PublishAwsMetricsAsync(aws, stop.Token),
        ]);
        try
        {
            await Task.WhenAny(tasks);
            ct.ThrowIfCancellationRequested();
            var failed = tasks.First(t => t.IsCompleted);
            await failed;
            throw new InvalidOperationException("a controller stopped on its own");
        }
        finally
        {
            await stop.CancelAsync();
            await IgnoreAsync(tasks);
            health.Leading = false;
            health.Synced = false;
            logger.LogInformation("Stopped leading; workers and running jobs stay for the next leader");
        }
    }

    // Instances with this operator's owner tag that no Worker claims: a crash between launching and creating
    // the Worker, or a Worker deleted while its finalizer was bypassed. Terminated after the grace period.
    private async Task CollectGarbageAsync(OperatorContext context, CancellationToken ct)
    {
        var collector = new Ec2GarbageCollector(new Ec2Api(context.Aws.Ec2), options.OwnerId, time, new AwsRetry(time), TimeSpan.FromSeconds(options.GarbageCollectionGraceSeconds), loggers.CreateLogger<Ec2GarbageCollector>());
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var known = context.WorkerCache.List().Select(w => w.Spec.InstanceId)
                    .Concat(context.Pools.All.SelectMany(p => p.Runner.Workers.Select(w => w.WorkerId)))
                    .ToHashSet(StringComparer.Ordinal);
                var collected = await collector.CollectAsync(known, ct);
                if (collected.Count > 0)
                {
                    logger.LogWarning("Terminated {Count} instances no Worker owned: {Instances}", collected.Count, string.Join(", ", collected));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Garbage collection failed; trying again next period");
            }

            await Task.Delay(TimeSpan.FromSeconds(options.GarbageCollectionIntervalSeconds), time, ct);
        }
    }

    private async Task PublishAwsMetricsAsync(AwsClients aws, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            metrics.SetAwsTotals(aws.Counter.Calls, aws.Counter.Throttled);
            await Task.Delay(TimeSpan.FromSeconds(5), time, ct);
        }
    }

    private static bool SameNamespace(IResource a, IResource b) => (a.Metadata.Namespace ?? "default") == (b.Metadata.Namespace ?? "default");

    private async Task IgnoreAsync(IEnumerable<Task> tasks)
    {
        foreach (var task in tasks)
        {
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A controller task failed while stopping");
            }
        }
    }
}
