using Microsoft.Extensions.Logging;
using Prometheus;
using Shoal.Operator.Observability;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Tests.Runtime;

// KubernetesClient's LeaderElector keeps its own wall-clock timers (no TimeProvider), so these tests run it with
// short periods over a fake lock and wait for its callbacks with a deadline. The renew deadline (2 s) is
// long enough that a busy CI machine starving the renew loop for a moment does not lose the lease.
public sealed class LeaderElectionTests
{
    private readonly FakeLock lease = new("op-0");
    private readonly RecordingLogger logger = new();
    private readonly OperatorMetrics metrics = new(Metrics.NewCustomRegistry());
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource workStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static LeaderElectionOptions Fast => new()
    {
        Namespace = "shoal-system",
        Identity = "op-0",
        LeaseDuration = TimeSpan.FromSeconds(3),
        RenewDeadline = TimeSpan.FromSeconds(2),
        RetryPeriod = TimeSpan.FromMilliseconds(100),
    };

    [Fact]
    public async Task Runs_the_work_while_leading_and_exits_with_1_when_the_lease_is_lost()
    {
        var election = New();
        using var stop = new CancellationTokenSource();

        var run = election.RunAsync(Work, stop.Token);
        await leading.Task.Within();
        Assert.True(election.IsLeader);
        Assert.Equal(1, metrics.Leader.Value);
        Assert.Equal("op-0", lease.Record?.HolderIdentity);

        lease.RefuseUpdates = true;

        Assert.Equal(1, await exited.Task.Within());
        await workStopped.Task.Within();
        await run.Within();
        Assert.False(election.IsLeader);
        Assert.Equal(0, metrics.Leader.Value);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("lost the Lease", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_graceful_stop_cancels_the_work_releases_the_lease_and_does_not_exit()
    {
        var election = New();
        using var stop = new CancellationTokenSource();
        var run = election.RunAsync(Work, stop.Token);
        await leading.Task.Within();

        await stop.CancelAsync();

        await run.Within();
        Assert.True(workStopped.Task.IsCompleted);
        Assert.False(exited.Task.IsCompleted);
        Assert.Equal("", lease.Record?.HolderIdentity);
        Assert.Equal(0, metrics.Leader.Value);
    }

    [Fact]
    public async Task Does_not_run_the_work_while_another_replica_holds_the_lease()
    {
        lease.HeldBy = "op-1";
        var election = New();
        using var stop = new CancellationTokenSource();
        var run = election.RunAsync(Work, stop.Token);

        await lease.ThirdGet.Within();
        await stop.CancelAsync();
        await run.Within();

        Assert.False(leading.Task.IsCompleted);
        Assert.False(exited.Task.IsCompleted);
        Assert.Equal("op-1", lease.Record?.HolderIdentity);
    }

    [Fact]
    public async Task Work_that_fails_while_leading_gives_up_leadership_and_exits_with_1()
    {
        var election = New();
        using var stop = new CancellationTokenSource();

        var run = election.RunAsync(_ => throw new InvalidOperationException("controllers crashed"), stop.Token);

        Assert.Equal(1, await exited.Task.Within());
        await run.Within();
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Critical && e.Exception is InvalidOperationException);
    }

    [Fact]
    public void Unusable_options_are_refused_with_what_to_set()
    {
        var options = new LeaderElectionOptions { LeaseDuration = TimeSpan.FromSeconds(5), RenewDeadline = TimeSpan.FromSeconds(10) };

        var e = Assert.Throws<ArgumentException>(() => new LeaderElection(lease, options, logger, _ => { }, null));

        Assert.Contains("Namespace is empty", e.Message, StringComparison.Ordinal);
        Assert.Contains("Identity is empty", e.Message, StringComparison.Ordinal);
        Assert.Contains("LeaseDuration (00:00:05) must be longer than RenewDeadline (00:00:10)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_with_a_namespace_and_identity_are_valid()
    {
        Assert.Empty(new LeaderElectionOptions { Namespace = "shoal-system", Identity = "op-0" }.Validate());
    }

    private LeaderElection New() => new(lease, Fast, logger, code => exited.TrySetResult(code), metrics);

    private async Task Work(CancellationToken ct)
    {
        leading.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        }
        finally
        {
            workStopped.TrySetResult();
        }
    }
}
