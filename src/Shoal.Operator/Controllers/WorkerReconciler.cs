using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Controllers;

/// <summary>
/// One Worker per instance. Its status mirrors the worker loop, written at most once per coalescing
/// window rather than once per job step; its finalizer is the only code that terminates the instance.
/// Deleting a busy Worker by hand first requeues its job (budget unspent), then terminates.
/// </summary>
internal sealed class WorkerReconciler(OperatorContext context, StatusCoalescer coalescer) : IReconciler<Worker>
{
    private readonly ILogger logger = context.Loggers.CreateLogger<WorkerReconciler>();

    public string Name => "worker";

    public async Task<ReconcileResult> ReconcileAsync(ResourceKey key, Worker? worker, CancellationToken ct)
    {
        coalescer.Taken(key);
        if (worker is null)
        {
            return ReconcileResult.Done;
        }

        var instanceId = worker.Spec.InstanceId;
        var runtime = context.Pools.Get(new ResourceKey(key.Namespace, worker.Spec.PoolName));
        if (worker.Metadata.DeletionTimestamp is not null)
        {
            if (runtime is not null && runtime.Runs(instanceId))
            {
                // Deleted from outside while its loop still runs: give the job back now, let the loop
                // retire; the next pass terminates.
                runtime.Interrupt(instanceId, "WorkerDeleted");
                return ReconcileResult.After(TimeSpan.FromSeconds(2));
            }

            if (Finalizers.Has(worker, OperatorNames.WorkerFinalizer))
            {
                await context.Terminator.TerminateAsync(instanceId, ct);
                logger.LogInformation("Terminated instance {Instance} of Worker {Key}", instanceId, key);
                await context.Events.RecordAsync(worker, "Normal", "Terminated", $"terminated instance {instanceId} ({worker.Status?.Reason ?? "deleted"})", ct);
                context.Metrics.CountWorkerTerminated(key.Namespace, worker.Spec.PoolName, worker.Status?.Reason ?? "Deleted");
                runtime?.Observer.Forget(instanceId);
                await Finalizers.RemoveAsync(context.Workers, worker, OperatorNames.WorkerFinalizer, ct);
            }

            return ReconcileResult.Done;
        }

        if (runtime?.Observer.Get(instanceId) is not { } snapshot)
        {
            return ReconcileResult.Done;
        }

        var generation = worker.Metadata.Generation ?? 0;
        var current = worker.Status;
        var changed = current is null
            || current.Phase != snapshot.Phase
            || current.CurrentJob != snapshot.CurrentJob
            || current.JobsDone != snapshot.JobsDone
            || current.Reason != snapshot.Reason
            || current.ObservedGeneration != generation;
        if (changed)
        {
            var ready = snapshot.Phase is WorkerPhases.Idle or WorkerPhases.Running;
            var conditions = ReadyCondition.With(current?.Conditions, ready, snapshot.Phase, ready ? "taking jobs" : $"{snapshot.Phase}{(snapshot.Reason is { } r ? $": {r}" : "")}", generation, context.Time.GetUtcNow());
            await context.Workers.PatchStatusAsync(key.Namespace, key.Name, new
            {
                status = new
                {
                    observedGeneration = generation,
                    phase = snapshot.Phase,
                    // Explicit null: a merge patch that leaves the field out would keep the last job.
                    currentJob = snapshot.CurrentJob,
                    jobsDone = snapshot.JobsDone,
                    reason = snapshot.Reason,
                    conditions,
                },
            }, ct);
        }

        return ReconcileResult.Done;
    }
}
