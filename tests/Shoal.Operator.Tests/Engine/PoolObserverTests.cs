using Shoal.Api.V1Alpha1;
using Shoal.Core.Jobs;
using Shoal.Core.Workers;
using Shoal.Operator.Engine;

namespace Shoal.Operator.Tests.Engine;

public sealed class PoolObserverTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Snapshot_follows_the_loop_and_every_report_pokes_the_worker()
    {
        var poked = new List<string>();
        var observer = new PoolObserver(poked.Add);
        var job = new JobRecord { JobId = "j1", Queue = "q", Status = JobStatus.Running };

        observer.WorkerPhaseChanged("i-1", WorkerPhase.WaitingForAgent, null);
        observer.WorkerPhaseChanged("i-1", WorkerPhase.Idle, null);
        observer.AttemptStarted("i-1", job, T0);
        Assert.Equal(new WorkerSnapshot("i-1", WorkerPhases.Running, "j1", 0, null), observer.Get("i-1"));

        observer.AttemptEnded("i-1", job with { Status = JobStatus.Succeeded }, AttemptOutcome.Succeeded, T0);
        observer.WorkerPhaseChanged("i-1", WorkerPhase.Idle, null);
        Assert.Equal(new WorkerSnapshot("i-1", WorkerPhases.Idle, null, 1, null), observer.Get("i-1"));

        observer.WorkerPhaseChanged("i-1", WorkerPhase.Draining, "QueueDrained");
        observer.WorkerPhaseChanged("i-1", WorkerPhase.Terminating, "QueueDrained");
        Assert.Equal(new WorkerSnapshot("i-1", WorkerPhases.Terminating, null, 1, "QueueDrained"), observer.Get("i-1"));
        Assert.Equal(7, poked.Count);
        Assert.All(poked, id => Assert.Equal("i-1", id));

        observer.Forget("i-1");
        Assert.Null(observer.Get("i-1"));
    }

    [Fact]
    public void Only_final_outcomes_count_as_finished_jobs()
    {
        var finished = new List<string>();
        var observer = new PoolObserver(_ => { }, finished.Add);
        var job = new JobRecord { JobId = "j1", Queue = "q", Status = JobStatus.Running };

        observer.AttemptEnded("i-1", job, AttemptOutcome.Retrying, T0);
        observer.AttemptEnded("i-1", job, AttemptOutcome.Interrupted, T0);
        observer.AttemptEnded("i-1", job, AttemptOutcome.Failed, T0);
        observer.AttemptEnded("i-1", job, AttemptOutcome.Succeeded, T0);
        observer.JobRejected("i-1", job);

        Assert.Equal(["failed", "succeeded", "invalid"], finished);
    }

    [Fact]
    public void Every_engine_phase_has_an_api_phase()
    {
        var names = Enum.GetValues<WorkerPhase>().Select(PoolObserver.PhaseName).ToList();

        Assert.Equal(WorkerPhases.All, names);
    }
}
