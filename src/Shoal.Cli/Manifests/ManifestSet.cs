using Shoal.Api.V1Alpha1;

namespace Shoal.Cli.Manifests;

// What a manifest folder declares, validated: every WorkerPool's jobQueueRef resolves inside the set.
public sealed class ManifestSet
{
    public ManifestSet(IReadOnlyList<JobQueue> jobQueues, IReadOnlyList<WorkerPool> workerPools, IReadOnlyList<string> warnings)
    {
        JobQueues = jobQueues;
        WorkerPools = workerPools;
        Warnings = warnings;
    }

    public IReadOnlyList<JobQueue> JobQueues { get; }

    public IReadOnlyList<WorkerPool> WorkerPools { get; }

    // Documents skipped or fields ignored; worth showing, never fatal.
    public IReadOnlyList<string> Warnings { get; }

    public JobQueue JobQueueFor(WorkerPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return JobQueues.FirstOrDefault(q => References(pool, q))
            ?? throw new InvalidOperationException(
                $"WorkerPool \"{pool.Metadata.Name}\" references JobQueue \"{pool.Spec.JobQueueRef.Name}\", which is not in this manifest set.");
    }

    public IReadOnlyList<WorkerPool> WorkerPoolsFor(JobQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return [.. WorkerPools.Where(p => References(p, queue))];
    }

    // A manifest without a namespace lands in whatever namespace kubectl is pointed at, so it pairs with
    // any namespace; two explicit namespaces must agree, since a pool only serves a queue in its own.
    internal static bool SameNamespace(string? a, string? b) => a is null || b is null || a == b;

    internal static bool References(WorkerPool pool, JobQueue queue) =>
        pool.Spec.JobQueueRef.Name == queue.Metadata.Name && SameNamespace(pool.Metadata.Namespace, queue.Metadata.Namespace);
}
