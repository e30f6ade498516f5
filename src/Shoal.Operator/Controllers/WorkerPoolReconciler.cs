using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Aws.Errors;
using Shoal.Aws.Hosting;
using Shoal.Core.Workers;
using Shoal.Operator.Engine;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Controllers;

/// <summary>
/// Runs a WorkerPool: the engine's scaler and worker loops (one <see cref="PoolRuntime"/>), which create
/// and delete the pool's Worker CRs; the status rolls the workers up. Deleting the pool deletes its
/// Workers, whose finalizers terminate the instances, and only then lets the pool go.
/// </summary>
internal sealed class WorkerPoolReconciler(OperatorContext context) : IReconciler<WorkerPool>
{
    private readonly ILogger logger = context.Loggers.CreateLogger<WorkerPoolReconciler>();

    public string Name => "workerpool";

    public async Task<ReconcileResult> ReconcileAsync(ResourceKey key, WorkerPool? pool, CancellationToken ct)
    {
        if (pool is null)
        {
            await context.Pools.StopAsync(key);
            return ReconcileResult.Done;
        }

        if (pool.Metadata.DeletionTimestamp is not null)
        {
            return await FinalizeAsync(key, pool, ct);
        }

        if (!Finalizers.Has(pool, OperatorNames.WorkerPoolFinalizer))
        {
            pool = await Finalizers.AddAsync(context.WorkerPools, pool, OperatorNames.WorkerPoolFinalizer, ct);
            if (pool is null)
            {
                return ReconcileResult.Done;
            }
        }

        var generation = pool.Metadata.Generation ?? 0;
        var queueName = pool.Spec.JobQueueRef.Name;
        var jobQueue = context.JobQueueCache.Get(new ResourceKey(key.Namespace, queueName));
        if (jobQueue is null || jobQueue.Metadata.DeletionTimestamp is not null)
        {
            await context.Pools.StopAsync(key);
            return await NotReadyAsync(pool, "JobQueueNotFound", $"JobQueue {queueName} does not exist in namespace {key.Namespace}: create it, or fix spec.jobQueueRef.name", ct);
        }

        if (!ReadyCondition.IsTrue(jobQueue.Status?.Conditions))
        {
            var why = jobQueue.Status?.Conditions.FirstOrDefault(c => c.Type == WellKnown.ReadyCondition)?.Message ?? "not set up yet";
            return await NotReadyAsync(pool, "JobQueueNotReady", $"JobQueue {queueName} is not ready: {why}", ct);
        }

        var runtime = context.Pools.Get(key);
        if (runtime is not null && (runtime.PoolGeneration != generation || runtime.QueueGeneration != (jobQueue.Metadata.Generation ?? 0)))
        {
            // A spec changed: the new runtime adopts the workers and re-attaches to their jobs.
            logger.LogInformation("WorkerPool {Key}: spec changed; restarting its engine", key);
            await context.Pools.StopAsync(key);
            runtime = null;
        }

        if (runtime is null)
        {
            try
            {
                runtime = await StartAsync(key, pool, jobQueue, ct);
            }
            catch (Exception e) when (e is AwsSetupException || (e is not OperationCanceledException && AwsErrorClassifier.Classify(e) != AwsErrorKind.Unknown))
            {
                logger.LogWarning("WorkerPool {Key}: {Message}", key, e.Message);
                await context.Events.RecordAsync(pool, "Warning", "AwsSetupFailed", e.Message, ct);
                return await NotReadyAsync(pool, "AwsSetupFailed", e.Message, ct, TimeSpan.FromSeconds(30));
            }
        }

        await WriteStatusAsync(pool, runtime, generation, ct);
        return ReconcileResult.After(context.StatusInterval);
    }

    private async Task<PoolRuntime> StartAsync(ResourceKey key, WorkerPool pool, JobQueue jobQueue, CancellationToken ct)
    {
        var existing = context.WorkersOf(key.Namespace, pool.Metadata.Name).Where(w => w.Metadata.DeletionTimestamp is null).ToList();
        var runtime = await PoolRuntime.StartAsync(new PoolRuntimeRequest
        {
            JobQueue = jobQueue,
            Pool = pool,
            ExistingWorkers = existing,
            Clients = context.Aws,
            Workers = context.Workers,
            Events = context.Events,
            Metrics = context.Metrics,
            OwnerId = context.OwnerId,
            WorkerChanged = id => context.WorkerChanged(new ResourceKey(key.Namespace, WorkerNames.Of(pool.Metadata.Name, id))),
            Time = context.Time,
            Logger = context.Loggers.CreateLogger($"Shoal.Pool.{key.Namespace}.{key.Name}"),
            ScaleInterval = context.ScaleInterval,
        }, ct);
        context.Pools.Set(key, runtime);
        await context.Events.RecordAsync(pool, "Normal", "Started", existing.Count == 0
            ? $"scaling on queue {runtime.QueueName}"
            : $"scaling on queue {runtime.QueueName}; adopted {existing.Count} existing workers", ct);
        return runtime;
    }

    private async Task<ReconcileResult> FinalizeAsync(ResourceKey key, WorkerPool pool, CancellationToken ct)
    {
        await context.Pools.StopAsync(key);
        if (!Finalizers.Has(pool, OperatorNames.WorkerPoolFinalizer))
        {
            return ReconcileResult.Done;
        }

        var workers = context.WorkersOf(key.Namespace, pool.Metadata.Name);
        foreach (var worker in workers.Where(w => w.Metadata.DeletionTimestamp is null))
        {
            await context.Workers.DeleteAsync(key.Namespace, worker.Metadata.Name, ct);
        }

        if (workers.Count > 0)
        {
            // Their finalizers terminate the instances; the pool goes when the last Worker has.
            return ReconcileResult.After(TimeSpan.FromSeconds(2));
        }

        context.Metrics.RemovePool(key.Namespace, key.Name);
        await Finalizers.RemoveAsync(context.WorkerPools, pool, OperatorNames.WorkerPoolFinalizer, ct);
        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> NotReadyAsync(WorkerPool pool, string reason, string message, CancellationToken ct, TimeSpan? retry = null)
    {
        var generation = pool.Metadata.Generation ?? 0;
        var next = StatusJson.Copy(pool.Status);
        next.ObservedGeneration = generation;
        next.Conditions = ReadyCondition.With(next.Conditions, false, reason, message, generation, context.Time.GetUtcNow());
        await PatchIfChangedAsync(pool, next, ct);
        return ReconcileResult.After(retry ?? context.StatusInterval);
    }

    private async Task WriteStatusAsync(WorkerPool pool, PoolRuntime runtime, long generation, CancellationToken ct)
    {
        var phases = runtime.Runner.Workers.Select(w => w.Phase).ToList();
        var crs = context.WorkersOf(pool.Metadata.Namespace ?? "default", pool.Metadata.Name).Where(w => w.Metadata.DeletionTimestamp is null).ToList();
        var next = StatusJson.Copy(pool.Status);
        next.ObservedGeneration = generation;
        next.Desired = runtime.Runner.Desired;
        next.Launching = phases.Count(p => p is WorkerPhase.Launching or WorkerPhase.WaitingForAgent);
        next.Ready = phases.Count(p => p is WorkerPhase.Idle or WorkerPhase.Running);
        next.Busy = phases.Count(p => p == WorkerPhase.Running);
        next.Draining = phases.Count(p => p is WorkerPhase.Draining or WorkerPhase.Terminating);
        next.InstanceTypes = crs
            .Where(w => w.Status?.InstanceType is not null)
            .GroupBy(w => w.Status!.InstanceType!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
        next.Conditions = ReadyCondition.With(next.Conditions, true, "Scaling", $"{phases.Count} workers ({next.Busy} busy) on queue {runtime.QueueName}", generation, context.Time.GetUtcNow());
        await PatchIfChangedAsync(pool, next, ct);
        var ns = pool.Metadata.Namespace ?? "default";
        context.Metrics.SetWorkers(ns, pool.Metadata.Name, phases.GroupBy(PoolObserver.PhaseName).ToDictionary(g => g.Key, g => g.Count()));
        context.Metrics.SetWorkerCapacity(ns, pool.Metadata.Name,
            crs.Count(w => w.Status?.CapacityType == CapacityTypes.Spot),
            crs.Count(w => w.Status?.CapacityType == CapacityTypes.OnDemand));
    }

    private async Task PatchIfChangedAsync(WorkerPool pool, WorkerPoolStatus next, CancellationToken ct)
    {
        if (!StatusJson.Same(pool.Status, next))
        {
            await context.WorkerPools.PatchStatusAsync(pool.Metadata.Namespace ?? "default", pool.Metadata.Name, new { status = next }, ct);
        }
    }

}
