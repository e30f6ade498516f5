using Shoal.Aws.Commands;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// Every invocation status, through the runner, against <see cref="FakeSsmApi"/>: moto reports Success
/// for everything and cannot produce any of the others.
/// </summary>
public sealed class SsmStatusMappingTests
{
    [Theory]
    [InlineData(SsmInvocationStatus.Pending, "Pending", -1, CommandState.Running, null)]
    [InlineData(SsmInvocationStatus.InProgress, "InProgress", -1, CommandState.Running, null)]
    [InlineData(SsmInvocationStatus.Delayed, "Delayed", -1, CommandState.Running, null)]
    [InlineData(SsmInvocationStatus.Success, "Success", 0, CommandState.Completed, 0)]
    [InlineData(SsmInvocationStatus.Failed, "Failed", 3, CommandState.Completed, 3)]
    [InlineData(SsmInvocationStatus.Failed, "Failed", 0, CommandState.Completed, 0)]
    [InlineData(SsmInvocationStatus.Failed, "Failed", -1, CommandState.Undeliverable, null)]
    [InlineData(SsmInvocationStatus.Failed, "Undeliverable", -1, CommandState.Undeliverable, null)]
    [InlineData(SsmInvocationStatus.Failed, "Terminated", -1, CommandState.WorkerLost, null)]
    [InlineData(SsmInvocationStatus.TimedOut, "ExecutionTimedOut", 124, CommandState.TimedOut, 124)]
    [InlineData(SsmInvocationStatus.TimedOut, "ExecutionTimedOut", -1, CommandState.TimedOut, null)]
    [InlineData(SsmInvocationStatus.TimedOut, "DeliveryTimedOut", -1, CommandState.Undeliverable, null)]
    [InlineData(SsmInvocationStatus.TimedOut, "Delivery Timed Out", -1, CommandState.Undeliverable, null)]
    [InlineData(SsmInvocationStatus.Cancelling, "Cancelling", -1, CommandState.Cancelled, null)]
    [InlineData(SsmInvocationStatus.Cancelled, "Cancelled", -1, CommandState.Cancelled, null)]
    [InlineData(SsmInvocationStatus.Undeliverable, "Undeliverable", -1, CommandState.Undeliverable, null)]
    [InlineData(SsmInvocationStatus.Terminated, "Terminated", -1, CommandState.WorkerLost, null)]
    public async Task Each_status_maps_to_one_engine_state(SsmInvocationStatus status, string details, int code, CommandState expected, int? exitCode)
    {
        var rig = new RunnerRig();
        rig.Ssm.Next = new FakeInvocationScript { Statuses = [status], Details = details, ResponseCode = code, Stderr = "boom" };
        var handle = await rig.StartCommand();

        var result = await rig.Poll(handle);

        Assert.Equal(expected, result.State);
        Assert.Equal(exitCode, result.ExitCode);
        if (expected is not (CommandState.Running or CommandState.Completed))
        {
            // Whatever went wrong is said where the job record will show it.
            Assert.Contains(status.ToString(), result.Detail, StringComparison.Ordinal);
            Assert.Contains("boom", result.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_command_runs_then_completes_with_the_scripts_exit_code_and_output_tail()
    {
        var rig = new RunnerRig();
        var stdout = new string('x', 5000) + "the end";
        rig.Ssm.Next = new FakeInvocationScript
        {
            Statuses = [SsmInvocationStatus.Pending, SsmInvocationStatus.InProgress, SsmInvocationStatus.Failed],
            ResponseCode = 2,
            Stdout = stdout,
        };
        var handle = await rig.StartCommand();

        Assert.Equal(CommandState.Running, (await rig.Poll(handle)).State);
        Assert.Equal(CommandState.Running, (await rig.Poll(handle)).State);
        var done = await rig.Poll(handle);

        Assert.Equal(new CommandStatus(CommandState.Completed, 2, stdout[^4000..], done.Detail), done);
        Assert.EndsWith("the end", done.OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_Shoal_does_not_know_is_an_error_never_a_guess()
    {
        var rig = new RunnerRig();
        rig.Ssm.Next = new FakeInvocationScript { Statuses = [SsmInvocationStatus.Unknown], Details = "Quantum" };
        var handle = await rig.StartCommand();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => rig.Poll(handle));
        Assert.Contains("Quantum", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Success", SsmInvocationStatus.Success)]
    [InlineData("InProgress", SsmInvocationStatus.InProgress)]
    [InlineData("Cancelling", SsmInvocationStatus.Cancelling)]
    [InlineData("TimedOut", SsmInvocationStatus.TimedOut)]
    [InlineData("Something", SsmInvocationStatus.Unknown)]
    [InlineData("3", SsmInvocationStatus.Unknown)]
    [InlineData("", SsmInvocationStatus.Unknown)]
    public void The_adapter_parses_SDK_status_strings(string text, SsmInvocationStatus expected) =>
        Assert.Equal(expected, AwsSsmApi.ParseStatus(text));
}
