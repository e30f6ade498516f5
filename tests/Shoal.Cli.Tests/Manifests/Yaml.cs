namespace Shoal.Cli.Tests.Manifests;

internal static class Yaml
{
    public const string Queue = """
        apiVersion: shoal.dev/v1alpha1
        kind: JobQueue
        metadata:
          name: demo
        """;

    // A valid WorkerPool for the queue above, with the given lines appended to its spec (indent them by 2).
    public static string Pool(string extraSpec = "", string name = "demo-pool") => $"""
        apiVersion: shoal.dev/v1alpha1
        kind: WorkerPool
        metadata:
          name: {name}
        spec:
          jobQueueRef:
            name: demo
        {extraSpec}
        """;

    // A valid JobQueue with the given lines as its spec.
    public static string QueueWithSpec(string spec) => $"""
        apiVersion: shoal.dev/v1alpha1
        kind: JobQueue
        metadata:
          name: demo
        spec:
        {spec}
        """;
}
