using Shoal.Aws.Commands;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Ports;

namespace Shoal.SsmDouble.Tests.Wire;

/// <summary>Shoal's SSM runner, through AwsClients, against the double: a job's time, output, exit code and end.</summary>
public sealed class RunCommandTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task A_job_is_Pending_then_runs_for_its_sleeps_then_completes_with_its_echoes()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        var runner = rig.Runner();

        var handle = await runner.StartAsync(WireRig.Request(worker, ["echo hello", "sleep 30", "echo world"]), CancellationToken.None);

        Assert.Equal(CommandState.Running, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);
        Assert.Equal("Pending", Assert.Single(rig.Double.Commands).Status);
        rig.Advance(1);
        Assert.Equal(CommandState.Running, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);
        Assert.Equal("InProgress", Assert.Single(rig.Double.Commands).Status);
        rig.Advance(29.9);
        Assert.Equal(CommandState.Running, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);
        rig.Advance(0.1);

        var done = await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((CommandState.Completed, 0, "hello\nworld\n"), (done.State, done.ExitCode, done.OutputTail));
        using var output = await runner.OpenOutputAsync(handle, CancellationToken.None);
        Assert.Equal("hello\nworld\n", await output.ReadToEndAsync());
        var command = Assert.Single(rig.Double.Commands);
        Assert.Equal((handle.CommandId, worker, "Success"), (command.CommandId, command.InstanceId, command.Status));
        Assert.Equal((WireRig.Start.AddSeconds(1), WireRig.Start.AddSeconds(31)), (command.Started, command.Ended));

        // Shoal's environment preamble went along and was taken for the no-op it is.
        Assert.Contains("export SHOAL_JOB_ID='job-1'", command.Commands);
        Assert.Equal("echo world", command.Commands[^1]);
    }

    [Fact]
    public async Task A_nonzero_exit_completes_with_that_exit_code_and_SSM_calls_it_Failed()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        var runner = rig.Runner();
        var handle = await runner.StartAsync(WireRig.Request(worker, ["echo oops && exit 3", "echo unreachable"]), CancellationToken.None);
        rig.Advance(1);

        var status = await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((CommandState.Completed, 3, "oops\n"), (status.State, status.ExitCode, status.OutputTail));
        Assert.Contains("Failed", status.Detail, StringComparison.Ordinal);
        Assert.Equal(("Failed", 3), (rig.Double.Commands[0].Status, rig.Double.Commands[0].ResponseCode));
    }

    [Fact]
    public async Task A_job_past_its_timeout_is_stopped_at_its_executionTimeout_with_the_output_so_far()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        var runner = rig.Runner();
        var handle = await runner.StartAsync(WireRig.Request(worker, ["echo a", "sleep 3", "echo b", "sleep 10", "echo c"], timeout: TimeSpan.FromSeconds(5)), CancellationToken.None);
        rig.Advance(1 + 4.9);
        Assert.Equal(CommandState.Running, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);
        rig.Advance(0.1);

        var status = await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((CommandState.TimedOut, 137, "a\nb\n"), (status.State, status.ExitCode, status.OutputTail));
        var command = rig.Double.Commands[0];
        Assert.Equal(("TimedOut", "ExecutionTimedOut", WireRig.Start.AddSeconds(6)), (command.Status, command.StatusDetails, command.Ended));
        Assert.Equal(["5"], (await rig.Clients.Ssm.ListCommandsAsync(new Amazon.SimpleSystemsManagement.Model.ListCommandsRequest { CommandId = handle.CommandId })).Commands[0].Parameters["executionTimeout"]);
    }

    [Fact]
    public async Task A_cancelled_job_ends_Cancelled_and_keeps_what_it_wrote()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        var runner = rig.Runner();
        var handle = await runner.StartAsync(WireRig.Request(worker, ["echo started", "sleep infinity"]), CancellationToken.None);
        rig.Advance(11);
        Assert.Equal(CommandState.Running, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);

        await runner.CancelAsync(handle, CancellationToken.None);

        Assert.Equal(CommandState.Cancelled, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);
        var command = rig.Double.Commands[0];
        Assert.Equal(("Cancelled", 137, "started\n", WireRig.Start.AddSeconds(11)), (command.Status, command.ResponseCode, command.StandardOutput, command.Ended));
    }

    [Fact]
    public async Task A_restarted_runner_resumes_a_command_that_kept_running_while_no_runner_existed()
    {
        await using var rig = await WireRig.StartAsync(moto);
        await rig.Clients.S3.PutBucketAsync("shoal-output");
        var options = new SsmCommandRunnerOptions { OutputBucket = "shoal-output", OutputKeyPrefix = "runs", OutputUploadGrace = TimeSpan.Zero };
        var worker = await rig.LaunchAsync();
        var handle = await rig.Runner(options).StartAsync(WireRig.Request(worker, ["sleep 60", "echo finished"]), CancellationToken.None);
        rig.Advance(10);

        // The first runner is gone (the operator was killed); the double's clock runs on.
        rig.Advance(60);
        var restarted = rig.Runner(options);
        var status = await restarted.WaitAsync(new CommandHandle(handle.WorkerId, handle.CommandId), TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((CommandState.Completed, 0, "finished\n"), (status.State, status.ExitCode, status.OutputTail));
        using var output = await restarted.OpenOutputAsync(handle, CancellationToken.None);
        Assert.Equal("finished\n", await output.ReadToEndAsync());
        Assert.Single(rig.Double.Commands);
    }
}
