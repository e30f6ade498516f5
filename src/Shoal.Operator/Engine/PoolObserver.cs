using System.Collections.Concurrent;
using Shoal.Api.V1Alpha1;
using Shoal.Core.Jobs;
using Shoal.Core.Workers;

namespace Shoal.Operator.Engine;

/// <summary>
/// Collects what a pool's worker loops report and pokes the Worker controller, which writes the Worker
/// status on its own schedule: many job steps become one API write.
/// </summary>
internal sealed class PoolObserver(Action<string> changed, Action<string>? jobFinished = null) : IEngineObserver
{
    private readonly ConcurrentDictionary<string, WorkerSnapshot> workers = new(StringComparer.Ordinal);

    public WorkerSnapshot? Get(string workerId) => workers.GetValueOrDefault(workerId);

    public IReadOnlyCollection<WorkerSnapshot> All => [.. workers.Values];

    public void WorkerPhaseChanged(string workerId, WorkerPhase phase, string? detail)
    {
        var name = PhaseName(phase);
        Update(workerId, s => s with
        {
            Phase = name,
            CurrentJob = phase == WorkerPhase.Running ? detail ?? s.CurrentJob : null,
            Reason = phase is WorkerPhase.Draining or WorkerPhase.Terminating or WorkerPhase.Terminated ? detail ?? s.Reason : s.Reason,
        });
    }

    public void AttemptStarted(string workerId, JobRecord job, DateTimeOffset at) =>
        Update(workerId, s => s with { Phase = WorkerPhases.Running, CurrentJob = job.JobId });

    public void AttemptEnded(string workerId, JobRecord job, AttemptOutcome outcome, DateTimeOffset commandEndedAt)
    {
        if (outcome is AttemptOutcome.Succeeded or AttemptOutcome.Failed)
        {
            jobFinished?.Invoke(outcome == AttemptOutcome.Succeeded ? "succeeded" : "failed");
        }

        Update(workerId, s => s with { JobsDone = s.JobsDone + 1 });
    }

    public void JobRejected(string workerId, JobRecord job) => jobFinished?.Invoke("invalid");

    public void Forget(string workerId) => workers.TryRemove(workerId, out _);

    public static string PhaseName(WorkerPhase phase) => phase switch
    {
        WorkerPhase.Launching => WorkerPhases.Launching,
        WorkerPhase.WaitingForAgent => WorkerPhases.WaitingForAgent,
        WorkerPhase.Idle => WorkerPhases.Idle,
        WorkerPhase.Running => WorkerPhases.Running,
        WorkerPhase.Draining => WorkerPhases.Draining,
        WorkerPhase.Terminating => WorkerPhases.Terminating,
        _ => WorkerPhases.Terminated,
    };

    private void Update(string workerId, Func<WorkerSnapshot, WorkerSnapshot> change)
    {
        workers.AddOrUpdate(workerId, id => change(new WorkerSnapshot(id, WorkerPhases.Launching, null, 0, null)), (_, s) => change(s));
        changed(workerId);
    }
}
