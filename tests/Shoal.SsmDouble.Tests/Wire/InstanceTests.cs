using Amazon.SimpleSystemsManagement.Model;
using Shoal.Aws.Commands;
using Shoal.Aws.Errors;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Ports;
using Shoal.Aws.Tests.Support;

namespace Shoal.SsmDouble.Tests.Wire;

/// <summary>Which instances have an agent: EC2 (moto) decides, with a registration delay, and a vanished instance's command is never heard from again.</summary>
public sealed class InstanceTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task SendCommand_answers_InvalidInstanceId_until_the_agent_has_registered()
    {
        await using var rig = await WireRig.StartAsync(moto, o => o with { AgentRegistrationDelay = TimeSpan.FromSeconds(30) });
        var worker = await rig.LaunchAsync();
        var send = Send(worker);

        var early = await Assert.ThrowsAsync<InvalidInstanceIdException>(() => rig.Api.SendCommandAsync(send, CancellationToken.None));
        Assert.Equal(("InvalidInstanceId", AwsErrorKind.NotFound), (early.ErrorCode, AwsErrorClassifier.Classify(early)));
        Assert.Contains("30 s to go", early.Message, StringComparison.Ordinal);
        rig.Advance(29.9);
        await Assert.ThrowsAsync<InvalidInstanceIdException>(() => rig.Api.SendCommandAsync(send, CancellationToken.None));
        rig.Advance(0.1);

        var commandId = await rig.Api.SendCommandAsync(send, CancellationToken.None);

        Assert.Equal(commandId, Assert.Single(rig.Double.Commands).CommandId);
    }

    [Fact]
    public async Task The_runner_waits_for_the_agent_to_register_instead_of_failing_the_job()
    {
        await using var rig = await WireRig.StartAsync(moto, o => o with { AgentRegistrationDelay = TimeSpan.FromSeconds(10) });
        var worker = await rig.LaunchAsync();
        var runner = rig.Runner(new SsmCommandRunnerOptions { ReadinessRetryFirst = TimeSpan.FromSeconds(2), ReadinessRetryMax = TimeSpan.FromSeconds(2) });

        var start = runner.StartAsync(WireRig.Request(worker, ["echo ready"]), CancellationToken.None);

        // The runner's retry waits are on the shared fake clock: move it on until the send gets through.
        await Eventually.PollAsync(() => { rig.Advance(1); return start.IsCompleted; }, done => done, "the send after registration");
        var handle = await start;
        Assert.Equal(handle.CommandId, Assert.Single(rig.Double.Commands).CommandId);
        Assert.True(rig.Clients.Counter.Calls["SSM.SendCommand"] >= 2);
    }

    [Fact]
    public async Task An_instance_EC2_does_not_know_or_reports_terminated_is_not_managed()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        await rig.TerminateAsync(worker);

        var unknown = await Assert.ThrowsAsync<InvalidInstanceIdException>(() => rig.Api.SendCommandAsync(Send("i-0123456789abcdef0"), CancellationToken.None));
        var gone = await Assert.ThrowsAsync<InvalidInstanceIdException>(() => rig.Api.SendCommandAsync(Send(worker), CancellationToken.None));

        Assert.Equal(("InvalidInstanceId", "InvalidInstanceId"), (unknown.ErrorCode, gone.ErrorCode));
        Assert.Contains("EC2 does not know it", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("EC2 reports it", gone.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Double.Commands);
    }

    [Fact]
    public async Task A_command_on_a_terminated_instance_stays_InProgress_until_its_total_timeout_as_on_AWS()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        var runner = rig.Runner(); // delivery timeout 600 s
        var handle = await runner.StartAsync(WireRig.Request(worker, ["sleep 30", "echo never seen"], timeout: TimeSpan.FromSeconds(120)), CancellationToken.None);
        rig.Advance(2);
        await rig.TerminateAsync(worker);
        Assert.Equal(CommandState.Running, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);

        // Long past the script's own end: its agent died with the instance, so nothing is reported.
        rig.Advance(717.9);
        Assert.Equal(CommandState.Running, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);
        rig.Advance(0.1);

        var status = await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(CommandState.Undeliverable, status.State);
        var command = rig.Double.Commands[0];
        Assert.Equal(("TimedOut", "DeliveryTimedOut", -1, ""), (command.Status, command.StatusDetails, command.ResponseCode, command.StandardOutput));
        Assert.Equal(WireRig.Start.AddSeconds(720), command.Ended);
    }

    [Fact]
    public async Task An_instance_that_dies_while_nobody_polls_is_noticed_by_the_double_itself()
    {
        await using var rig = await WireRig.StartAsync(moto, o => o with { TerminatedInstanceTimeout = TimeSpan.Zero });
        var worker = await rig.LaunchAsync();
        var handle = await rig.Runner().StartAsync(WireRig.Request(worker, ["sleep 3000", "echo never seen"]), CancellationToken.None);
        rig.Advance(2);
        await rig.TerminateAsync(worker);

        // No GetCommandInvocation: only the double's periodic EC2 check, on its (fake) clock.
        var lost = await Eventually.PollAsync(() => { rig.Advance(1); return rig.Double.Commands[0]; }, c => c.Ended is not null, "noticing the terminated instance");

        Assert.Equal(("TimedOut", "DeliveryTimedOut"), (lost.Status, lost.StatusDetails));
        Assert.True(lost.Ended < WireRig.Start.AddSeconds(3001), $"ended at {lost.Ended}, after the script would have");
        rig.Advance(3100);
        var status = await rig.Runner().WaitAsync(handle, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(CommandState.Undeliverable, status.State);
    }

    private static SsmSendCommandRequest Send(string instanceId) => new()
    {
        InstanceId = instanceId,
        DocumentName = "AWS-RunShellScript",
        Parameters = new Dictionary<string, IReadOnlyList<string>> { ["commands"] = ["echo hi"] },
        DeliveryTimeoutSeconds = 600,
    };
}
