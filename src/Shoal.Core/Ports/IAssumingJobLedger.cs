using Shoal.Core.Jobs;

namespace Shoal.Core.Ports;

/// <summary>
/// A job table whose conditional write can start from an assumed record instead of one just read,
/// where a read costs a request (DynamoDB). The engine assumes only what a first delivery must find:
/// QUEUED at version 1, as <see cref="Workers.JobTransitions.Registered"/> made it, when the sender
/// registers jobs (<see cref="QueueMessage.SenderRegisters"/>), else no record. It then claims in one
/// request, and reads only when the assumption was wrong.
/// </summary>
public interface IAssumingJobLedger : IJobLedger
{
    /// <summary>
    /// Writes <paramref name="next"/> if the stored record has <paramref name="assumed"/>'s version,
    /// status, queue, attempts, failures and interruptions (absent when assumed is null): everything a
    /// transition and the counters are computed from. A write never changes a stored created_at, so a
    /// guessed creation time does no harm. When the condition fails nothing is written and the record
    /// as stored is returned (null when there is none), so the caller need not read it again.
    /// </summary>
    Task<AssumedWrite> TryWriteAssumingAsync(JobRecord? assumed, JobRecord next, CancellationToken cancellationToken);
}
