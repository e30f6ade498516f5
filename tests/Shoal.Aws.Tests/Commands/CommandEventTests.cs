using Shoal.Aws.Commands;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// Status-change events in the runner, on fake time with <see cref="FakeSsmApi"/> (moto emits no SSM
/// events); the SQS side runs against moto in <see cref="CommandEventSourceMotoTests"/>.
/// </summary>
public sealed class CommandEventTests
{
    [Fact]
    public async Task While_events_flow_a_running_command_is_polled_only_as_a_safety_net_and_an_event_ends_the_wait()
    {
        var rig = new RunnerRig();
        rig.Ssm.Next = new FakeInvocationScript { Statuses = [SsmInvocationStatus.InProgress, SsmInvocationStatus.Success] };
        var handle = await rig.StartCommand();
        rig.Runner.OnStatusChanged("someone-elses-command", "i-other", "Success"); // proves the rule delivers

        // Within the safety-net interval from the send, waits do not poll at all, the first one included.
        Assert.Equal(CommandState.Running, (await rig.Run(r => r.WaitAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None))).State);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(CommandState.Running, (await rig.Run(r => r.WaitAsync(handle, TimeSpan.FromSeconds(60), CancellationToken.None))).State);
        }

        Assert.Empty(rig.Ssm.Gets);

        // Past the interval: one safety-net poll.
        Assert.Equal(CommandState.Running, (await rig.Run(r => r.WaitAsync(handle, TimeSpan.FromSeconds(60), CancellationToken.None))).State);
        Assert.Single(rig.Ssm.Gets);

        // The command ends: its event wakes the wait at once, and the verdict comes from SSM.
        var pending = rig.Start(r => r.WaitAsync(handle, TimeSpan.FromSeconds(60), CancellationToken.None));
        rig.Advance(TimeSpan.FromSeconds(3));
        Assert.False(pending.IsCompleted);
        rig.Runner.OnStatusChanged(handle.CommandId, RunnerRig.Worker, "Success");

        Assert.Equal(new CommandStatus(CommandState.Completed, 0), await rig.Settle(pending));
        Assert.Equal(2, rig.Ssm.Gets.Count);
    }

    [Fact]
    public async Task A_command_that_ends_without_its_event_turns_polling_back_on_until_events_come_again()
    {
        var rig = new RunnerRig();
        rig.Ssm.Next = new FakeInvocationScript { Statuses = [SsmInvocationStatus.Success] };
        var lost = await rig.StartCommand();
        rig.Runner.OnStatusChanged("someone-elses-command", "i-other", "Success");

        // Its event never comes: the safety-net poll finds it ended.
        var status = await rig.Run(r => r.WaitAsync(lost, TimeSpan.FromMinutes(6), CancellationToken.None), TimeSpan.FromMinutes(1));
        Assert.Equal(CommandState.Completed, status.State);
        Assert.Contains(rig.Log.Entries, e => e.Contains("without a status-change event", StringComparison.Ordinal));

        // The next command is polled on every wait again, as without events.
        rig.Ssm.Next = new FakeInvocationScript { Statuses = [SsmInvocationStatus.InProgress] };
        var next = await rig.StartCommand(RunnerRig.Request("job-2"));
        var before = rig.Ssm.Gets.Count;
        await rig.Run(r => r.WaitAsync(next, TimeSpan.FromSeconds(1), CancellationToken.None));
        await rig.Run(r => r.WaitAsync(next, TimeSpan.FromSeconds(2), CancellationToken.None));
        Assert.Equal(before + 2, rig.Ssm.Gets.Count);

        // An event shows they flow again: back to the safety net.
        rig.Runner.OnStatusChanged("another", "i-other", "Failed");
        await rig.Run(r => r.WaitAsync(next, TimeSpan.FromSeconds(4), CancellationToken.None));
        Assert.Equal(before + 2, rig.Ssm.Gets.Count);
    }

    [Theory]
    [InlineData("cmd-0001", "i-another", "Success")]
    [InlineData("cmd-9999", RunnerRig.Worker, "Success")]
    [InlineData("cmd-0001", RunnerRig.Worker, "InProgress")]
    public async Task Events_for_other_invocations_or_non_terminal_ones_do_not_end_a_wait(string commandId, string instanceId, string status)
    {
        var rig = new RunnerRig();
        var handle = await rig.StartCommand();

        var pending = rig.Start(r => r.WaitAsync(handle, TimeSpan.FromSeconds(30), CancellationToken.None));
        rig.Runner.OnStatusChanged(commandId, instanceId, status);
        for (var i = 0; i < 20; i++)
        {
            rig.Context.Pump();
            await Task.Factory.StartNew(static () => Thread.Yield(), CancellationToken.None, TaskCreationOptions.PreferFairness, TaskScheduler.Default);
        }

        Assert.False(pending.IsCompleted);
        rig.Advance(TimeSpan.FromSeconds(30));

        // Ended by its own time; with events flowing, that early in the command's life, without a poll.
        Assert.Equal(CommandState.Running, (await rig.Settle(pending)).State);
        Assert.Empty(rig.Ssm.Gets);
    }

    [Fact]
    public async Task When_events_stop_every_wait_polls_again()
    {
        var rig = new RunnerRig();
        rig.Ssm.Next = new FakeInvocationScript { Statuses = [SsmInvocationStatus.InProgress] };
        var handle = await rig.StartCommand();
        rig.Runner.OnStatusChanged("x", "y", "Success");
        await rig.Run(r => r.WaitAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None));
        await rig.Run(r => r.WaitAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Empty(rig.Ssm.Gets);

        rig.Runner.OnEventsStopped();
        await rig.Run(r => r.WaitAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None));
        await rig.Run(r => r.WaitAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Equal(2, rig.Ssm.Gets.Count);
    }

    [Fact]
    public void An_EventBridge_invocation_event_parses()
    {
        const string body = """
            {"version":"0","id":"51c0891d-0e34-45b1-83d6-95db273d1602","detail-type":"EC2 Command Invocation Status-change Notification",
             "source":"aws.ssm","account":"123456789012","time":"2026-11-24T12:00:00Z","region":"us-east-1",
             "resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"],
             "detail":{"command-id":"e8d3c0e4-71f7-4491-898f-c9b35bee5f3b","document-name":"AWS-RunShellScript",
                       "instance-id":"i-0123456789abcdef0","requested-date-time":"2026-11-24T11:59:00Z","status":"Success"}}
            """;

        Assert.Equal(("e8d3c0e4-71f7-4491-898f-c9b35bee5f3b", "i-0123456789abcdef0", "Success"), CommandEventSource.Parse(body));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"source":"aws.ssm","detail-type":"EC2 Command Status-change Notification","detail":{"command-id":"c","instance-id":"i","status":"Success"}}""")]
    [InlineData("""{"source":"aws.ec2","detail-type":"EC2 Command Invocation Status-change Notification","detail":{"command-id":"c","instance-id":"i","status":"Success"}}""")]
    [InlineData("""{"source":"aws.ssm","detail-type":"EC2 Command Invocation Status-change Notification","detail":{"command-id":"c","status":"Success"}}""")]
    [InlineData("""{"source":"aws.ssm","detail-type":"EC2 Command Invocation Status-change Notification","detail":"flat"}""")]
    [InlineData("""{"Service":"Amazon S3","Event":"s3:TestEvent"}""")]
    public void Anything_else_is_not_an_event(string body) => Assert.Null(CommandEventSource.Parse(body));
}
