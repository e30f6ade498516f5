using System.Net;
using Amazon.Runtime;
using Shoal.Aws.Commands;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// Polling against <see cref="FakeSsmApi"/>: moto answers every GetCommandInvocation with Success at
/// once, so it can show neither eventual consistency, nor throttling, nor an invocation that is gone.
/// </summary>
public sealed class SsmCommandRunnerWaitTests
{
    [Fact]
    public async Task A_wait_sleeps_for_maxWait_then_asks_SSM_once()
    {
        var rig = new RunnerRig();
        rig.Ssm.Next = new FakeInvocationScript { Statuses = [SsmInvocationStatus.InProgress] };
        var handle = await rig.StartCommand();

        var pending = rig.Start(r => r.WaitAsync(handle, TimeSpan.FromSeconds(10), CancellationToken.None));
        rig.Advance(TimeSpan.FromSeconds(9));
        Assert.False(pending.IsCompleted);
        Assert.Empty(rig.Ssm.Gets);
        rig.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(CommandState.Running, (await rig.Settle(pending)).State);
        Assert.Single(rig.Ssm.Gets);
        Assert.Equal((handle.CommandId, RunnerRig.Worker), rig.Ssm.Gets[0]);
    }

    [Fact]
    public async Task An_invocation_not_visible_yet_is_running_within_the_grace_period()
    {
        var rig = new RunnerRig();
        rig.Ssm.Next = new FakeInvocationScript { NotVisibleGets = 3, Statuses = [SsmInvocationStatus.Success] };
        var handle = await rig.StartCommand();

        var early = new List<CommandStatus>();
        for (var i = 0; i < 3; i++)
        {
            early.Add(await rig.Run(r => r.WaitAsync(handle, TimeSpan.FromSeconds(5), CancellationToken.None)));
        }

        Assert.All(early, s => Assert.Equal(CommandState.Running, s.State));
        Assert.Contains("InvocationDoesNotExist", early[0].Detail, StringComparison.Ordinal);
        Assert.Equal(new CommandStatus(CommandState.Completed, 0), await rig.Poll(handle));
    }

    [Fact]
    public async Task An_invocation_that_stays_invisible_past_the_grace_period_means_the_worker_is_lost()
    {
        var rig = new RunnerRig();
        rig.Ssm.Next = new FakeInvocationScript { NeverVisible = true };
        var handle = await rig.StartCommand();

        Assert.Equal(CommandState.Running, (await rig.Run(r => r.WaitAsync(handle, TimeSpan.FromMinutes(1), CancellationToken.None))).State);
        var lost = await rig.Run(r => r.WaitAsync(handle, TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(CommandState.WorkerLost, lost.State);
        Assert.Contains(handle.CommandId, lost.Detail, StringComparison.Ordinal);
        Assert.Contains("120 s after it was sent", lost.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttled_polls_are_retried_within_one_wait()
    {
        var rig = new RunnerRig();
        var handle = await rig.StartCommand();
        rig.Ssm.ThrottledCalls = 2;

        var status = await rig.Poll(handle);

        Assert.Equal(new CommandStatus(CommandState.Completed, 0), status);
        Assert.Equal(3, rig.Ssm.Gets.Count);
    }

    [Theory]
    [InlineData("AccessDeniedException", HttpStatusCode.Forbidden)]
    [InlineData("InvalidCommandId", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.InternalServerError)]
    [InlineData("ThrottlingException", HttpStatusCode.BadRequest)]
    public async Task A_poll_that_fails_throws_and_is_never_read_as_success(string code, HttpStatusCode status)
    {
        // The seed's check_job turned every exception into "success".
        var rig = new RunnerRig();
        var handle = await rig.StartCommand();
        rig.Ssm.GetError = FakeSsmApi.Error(code, status);

        await Assert.ThrowsAsync<AmazonServiceException>(() => rig.Poll(handle));
    }

    [Fact]
    public async Task A_handle_the_runner_does_not_remember_is_polled_and_gets_its_own_grace_period()
    {
        // As after a host restart: the command was sent an hour ago by a runner that no longer exists.
        var rig = new RunnerRig();
        rig.Ssm.Next = new FakeInvocationScript { NotVisibleGets = 1 };
        var handle = await rig.StartCommand();
        rig.Runner.Forget(handle);
        rig.Advance(TimeSpan.FromHours(1));

        Assert.Equal(CommandState.Running, (await rig.Poll(handle)).State);
        Assert.Equal(new CommandStatus(CommandState.Completed, 0), await rig.Poll(handle));
    }

    [Fact]
    public async Task A_wait_ends_when_the_attempt_is_cancelled()
    {
        var rig = new RunnerRig();
        var handle = await rig.StartCommand();
        using var interrupt = new CancellationTokenSource();

        var pending = rig.Start(r => r.WaitAsync(handle, TimeSpan.FromMinutes(1), interrupt.Token));
        await interrupt.CancelAsync(); // its callbacks run on the thread pool: settle, do not just pump

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.Settle(pending));
        Assert.Empty(rig.Ssm.Gets);
    }
}
