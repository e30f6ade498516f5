using Shoal.Core.Jobs;

namespace Shoal.Core.Ports;

/// <summary>
/// The job table. All transition rules live in the engine (<see cref="Workers.JobTransitions"/>); the
/// ledger only stores records with compare-and-swap on <see cref="JobRecord.Version"/>, keeps the
/// per-queue counters in step with each write, and lists.
/// </summary>
public interface IJobLedger
{
    Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="next"/> if the stored record is still <paramref name="previous"/>: absent when
    /// previous is null, else at previous.Version. next.Version must be previous.Version + 1 (or 1).
    /// Adjusts the counters of next.Queue by <see cref="JobCounts.Delta"/> in the same atomic step.
    /// Returns false, writing nothing, when the condition does not hold.
    /// </summary>
    Task<bool> TryWriteAsync(JobRecord? previous, JobRecord next, CancellationToken cancellationToken);

    /// <summary>Jobs of a queue (all queues when null), optionally of one status, oldest first.</summary>
    Task<IReadOnlyList<JobRecord>> ListAsync(string? queue, JobStatus? status, CancellationToken cancellationToken);

    /// <summary>The counters of a queue, read in one cheap call.</summary>
    Task<JobCounts> GetCountsAsync(string queue, CancellationToken cancellationToken);
}
