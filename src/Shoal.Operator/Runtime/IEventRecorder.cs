using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Runtime;

// Kubernetes Events on our resources: what `kubectl describe` shows. Recording never fails the caller: an
// event that cannot be written is logged and dropped (events are best effort in Kubernetes too).
public interface IEventRecorder
{
    // type: EventTypes.Normal or EventTypes.Warning; reason: CamelCase, like a condition reason.
    Task RecordAsync(IResource about, string type, string reason, string message, CancellationToken ct);
}
