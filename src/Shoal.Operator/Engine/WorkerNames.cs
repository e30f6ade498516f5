namespace Shoal.Operator.Engine;

internal static class WorkerNames
{
    // "<pool>-<instance id>": unique per pool, a valid object name (instance ids are lowercase), and
    // readable in `kubectl get workers`.
    public static string Of(string pool, string workerId) => $"{pool}-{workerId}".ToLowerInvariant();
}
