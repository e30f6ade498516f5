using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Controllers;

// The rolled-up Ready condition every Shoal resource reports (metav1.Condition semantics: the transition
// time moves only when the status does, so `kubectl get -o yaml` shows how long it has been so).
internal static class ReadyCondition
{
    public static IList<Condition> With(IList<Condition>? current, bool ready, string reason, string message, long generation, DateTimeOffset now)
    {
        var status = ready ? ConditionStatuses.True : ConditionStatuses.False;
        var previous = current?.FirstOrDefault(c => c.Type == WellKnown.ReadyCondition);
        var next = new Condition
        {
            Type = WellKnown.ReadyCondition,
            Status = status,
            ObservedGeneration = generation,
            LastTransitionTime = previous is not null && previous.Status == status ? previous.LastTransitionTime : now,
            Reason = reason,
            Message = message,
        };
        var others = current?.Where(c => c.Type != WellKnown.ReadyCondition) ?? [];
        return [next, .. others];
    }

    public static bool IsTrue(IEnumerable<Condition>? conditions) =>
        conditions?.Any(c => c.Type == WellKnown.ReadyCondition && c.Status == ConditionStatuses.True) == true;
}
