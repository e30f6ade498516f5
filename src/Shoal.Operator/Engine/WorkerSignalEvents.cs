using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Core.Workers;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Engine;

/// <summary>
/// Interruption notices reach the worker loops through here, and each one becomes a Kubernetes Event on
/// the Worker, so `kubectl describe worker` tells why it went. No instance is terminated on this path:
/// the loop retires, and the Worker's finalizer terminates.
/// </summary>
internal sealed class WorkerSignalEvents(IWorkerSignals inner, WorkerPool pool, IEventRecorder events, ILogger logger) : IWorkerSignals
{
    public bool Interrupt(string workerId, string reason) => Record(inner.Interrupt(workerId, reason), workerId, "Warning", reason, "the worker's job was requeued without spending its retries; the worker retires");

    public bool Drain(string workerId, string reason) => Record(inner.Drain(workerId, reason), workerId, "Normal", reason, "the worker finishes its job, then retires");

    private bool Record(bool known, string workerId, string type, string reason, string what)
    {
        if (!known)
        {
            return false;
        }

        var about = new Worker
        {
            Metadata = new ObjectMeta { Name = WorkerNames.Of(pool.Metadata.Name, workerId), Namespace = pool.Metadata.Namespace ?? "default" },
        };
        _ = events.RecordAsync(about, type, reason, $"{reason} for instance {workerId}: {what}", CancellationToken.None)
            .ContinueWith(t => logger.LogDebug(t.Exception, "Recording an event failed"), TaskContinuationOptions.OnlyOnFaulted);
        return true;
    }
}
