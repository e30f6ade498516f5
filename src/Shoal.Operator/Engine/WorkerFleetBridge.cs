using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Core.Ports;
using Shoal.Operator.Observability;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Engine;

/// <summary>
/// The fleet the engine sees inside the operator. Launching also creates one Worker CR per instance (with
/// its finalizer); terminating only deletes the Worker CR, so the Worker controller's finalizer stays the
/// one code path that terminates instances (DESIGN §4).
/// </summary>
internal sealed class WorkerFleetBridge(IWorkerFleet inner, IResourceClient<Worker> workers, WorkerPool pool, TimeProvider time, ILogger logger, OperatorMetrics? metrics = null) : IWorkerFleet
{
    private static readonly int CreateAttempts = 5;

    public async Task<IReadOnlyList<WorkerInfo>> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        var launched = await inner.LaunchAsync(request, cancellationToken);
        foreach (var info in launched)
        {
            metrics?.CountWorkerLaunched(pool.Metadata.Namespace ?? "default", pool.Metadata.Name, info.CapacityType);
            await RegisterAsync(info, adopted: false, cancellationToken);
        }

        return launched;
    }

    public Task<WorkerInfo?> DescribeAsync(string workerId, CancellationToken cancellationToken) => inner.DescribeAsync(workerId, cancellationToken);

    public async Task TerminateAsync(string workerId, string reason, CancellationToken cancellationToken)
    {
        var ns = pool.Metadata.Namespace ?? "default";
        var name = WorkerNames.Of(pool.Metadata.Name, workerId);
        await workers.PatchStatusAsync(ns, name, new { status = new { phase = WorkerPhases.Terminating, reason, currentJob = (string?)null } }, cancellationToken);
        await workers.DeleteAsync(ns, name, cancellationToken);
        logger.LogInformation("Worker {Worker} of pool {Pool} retired ({Reason}); its finalizer terminates the instance", name, pool.Metadata.Name, reason);
    }

    /// <summary>
    /// Creates the Worker CR of an instance (idempotent). If the API stays unreachable the instance is left
    /// to the garbage collector, which terminates owned instances no Worker claims after its grace period.
    /// </summary>
    public async Task RegisterAsync(WorkerInfo info, bool adopted, CancellationToken cancellationToken)
    {
        var worker = NewWorker(info, adopted);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var created = await workers.CreateAsync(worker, cancellationToken);
                await workers.PatchStatusAsync(created.Metadata.Namespace ?? "default", created.Metadata.Name, new { status = StatusOf(info) }, cancellationToken);
                return;
            }
            catch (KubeApiException e) when (e.StatusCode == 409)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < CreateAttempts)
            {
                logger.LogWarning(e, "Creating Worker {Worker} failed (attempt {Attempt}); retrying", worker.Metadata.Name, attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt), time, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not create Worker {Worker} for instance {Instance}; the garbage collector will terminate the instance", worker.Metadata.Name, info.WorkerId);
                return;
            }
        }
    }

    private Worker NewWorker(WorkerInfo info, bool adopted) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = WorkerNames.Of(pool.Metadata.Name, info.WorkerId),
            Namespace = pool.Metadata.Namespace ?? "default",
            Labels = new Dictionary<string, string>
            {
                [OperatorNames.PoolLabel] = pool.Metadata.Name,
                [OperatorNames.QueueLabel] = pool.Spec.JobQueueRef.Name,
            },
            Finalizers = [OperatorNames.WorkerFinalizer],
            OwnerReferences =
            [
                new OwnerReference
                {
                    Kind = WellKnown.WorkerPoolKind,
                    Name = pool.Metadata.Name,
                    Uid = pool.Metadata.Uid ?? "",
                    Controller = true,
                    BlockOwnerDeletion = true,
                },
            ],
        },
        Spec = new WorkerSpec { PoolName = pool.Metadata.Name, InstanceId = info.WorkerId, Adopted = adopted },
    };

    private object StatusOf(WorkerInfo info) => new
    {
        phase = WorkerPhases.Launching,
        instanceId = info.WorkerId,
        instanceType = info.InstanceType,
        zone = info.Zone,
        capacityType = info.CapacityType,
        launchedAt = info.LaunchedAt == default ? time.GetUtcNow() : info.LaunchedAt,
        jobsDone = 0,
    };
}
