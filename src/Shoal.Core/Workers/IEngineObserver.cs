using Shoal.Core.Jobs;

namespace Shoal.Core.Workers;

/// <summary>
/// What the engine reports as it works: live progress in the CLI, Worker status in the operator, the
/// idle-gap measurements of the benchmarks. Called inline from worker loops, so implementations must be
/// quick and thread-safe.
/// </summary>
public interface IEngineObserver
{
    void WorkerPhaseChanged(string workerId, WorkerPhase phase, string? detail) { }

    void AttemptStarted(string workerId, JobRecord job, DateTimeOffset at) { }

    /// <summary><paramref name="commandEndedAt"/> is when the loop saw the command finish.</summary>
    void AttemptEnded(string workerId, JobRecord job, AttemptOutcome outcome, DateTimeOffset commandEndedAt) { }

    void JobRejected(string workerId, JobRecord job) { }

    void WorkerError(string workerId, string operation, Exception error) { }
}
