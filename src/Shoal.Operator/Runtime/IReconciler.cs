using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Runtime;

// The reconcile contract (controller-runtime's, kept by Controller<T>):
// - Called with the key and the object as the informer's cache has it now; null means the object is gone
//   from the cache (deleted, and its finalizers, if any, already removed). Cleanup that must happen belongs in
//   a finalizer, handled while the object still exists with a deletionTimestamp.
// - Never called for the same key twice at once; calls for different keys run in parallel (N workers).
// - Level-based: compare desired with actual state every time; do not depend on which change triggered it.
// - Return ReconcileResult.Done when converged: the key's failure count is forgotten.
// - Return ReconcileResult.After(d) to be called again in d (failure count forgotten too).
// - Throw to retry with per-key exponential backoff (5 ms doubling to 5 min): logged as an error and counted
//   in shoal_reconcile_errors_total{kind="error"}.
// - A KubeApiException with status 409 (the object changed under a conditional write) is retried with the
//   same backoff, quietly: counted as kind="conflict", logged at debug. The retry reads the newer object.
// - Cancellation of ct means the process is stopping or lost leadership: stop, nothing is retried here.
public interface IReconciler<T>
    where T : class, IResource
{
    // "jobqueue", "workerpool", "worker": the controller label on the metrics and in the logs.
    string Name { get; }

    Task<ReconcileResult> ReconcileAsync(ResourceKey key, T? resource, CancellationToken ct);
}
