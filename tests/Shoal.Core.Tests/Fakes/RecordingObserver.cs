using System.Collections.Concurrent;
using Shoal.Core.Jobs;
using Shoal.Core.Workers;

namespace Shoal.Core.Tests.Fakes;

public sealed class RecordingObserver : IEngineObserver
{
    private readonly ConcurrentQueue<(string WorkerId, string JobId, AttemptOutcome Outcome)> ended = new();
    private readonly ConcurrentQueue<(string WorkerId, WorkerPhase Phase, string? Detail)> phases = new();
    private readonly ConcurrentQueue<(string WorkerId, string Operation, Exception Error)> errors = new();
    private readonly ConcurrentQueue<JobRecord> rejected = new();

    public IReadOnlyList<(string WorkerId, string JobId, AttemptOutcome Outcome)> Ended => [.. ended];

    public IReadOnlyList<(string WorkerId, WorkerPhase Phase, string? Detail)> Phases => [.. phases];

    public IReadOnlyList<(string WorkerId, string Operation, Exception Error)> Errors => [.. errors];

    public IReadOnlyList<JobRecord> Rejected => [.. rejected];

    public void WorkerPhaseChanged(string workerId, WorkerPhase phase, string? detail) => phases.Enqueue((workerId, phase, detail));

    public void AttemptEnded(string workerId, JobRecord job, AttemptOutcome outcome, DateTimeOffset commandEndedAt) => ended.Enqueue((workerId, job.JobId, outcome));

    public void JobRejected(string workerId, JobRecord job) => rejected.Enqueue(job);

    public void WorkerError(string workerId, string operation, Exception error) => errors.Enqueue((workerId, operation, error));
}
