using System.Net;
using Shoal.Aws.Commands;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// SendCommand: what is sent, and what an unregistered agent, throttling and rejections do. moto accepts
/// any instance and any document and never throttles, so those paths run against <see cref="FakeSsmApi"/>.
/// </summary>
public sealed class SsmCommandRunnerStartTests
{
    [Fact]
    public async Task The_command_goes_to_the_worker_alone_with_its_document_timeouts_and_output_location()
    {
        var rig = new RunnerRig();
        var request = RunnerRig.Request("job-7", "cd data", "./run.sh") with
        {
            Attempt = 2,
            Timeout = TimeSpan.FromHours(20),
            WorkingDirectory = "/scratch",
        };

        var handle = await rig.StartCommand(request);

        var sent = Assert.Single(rig.Ssm.Sends);
        Assert.Equal(new CommandHandle(RunnerRig.Worker, "cmd-0001"), handle);
        Assert.Equal(RunnerRig.Worker, sent.InstanceId);
        Assert.Equal("AWS-RunShellScript", sent.DocumentName);
        Assert.Equal("job-7 (attempt 2)", sent.Comment);
        Assert.Equal(["cd data", "./run.sh"], sent.Parameters["commands"].TakeLast(2));
        Assert.Equal(["72000"], sent.Parameters["executionTimeout"]);
        Assert.Equal(["/scratch"], sent.Parameters["workingDirectory"]);
        Assert.Equal(600, sent.DeliveryTimeoutSeconds);
        Assert.Equal((RunnerRig.Bucket, "runs"), (sent.OutputS3BucketName, sent.OutputS3KeyPrefix));
        Assert.False(sent.CloudWatchOutputEnabled);
    }

    [Fact]
    public async Task Without_a_job_timeout_the_default_replaces_the_documents_one_hour_and_48_hours_is_the_ceiling()
    {
        var rig = new RunnerRig();

        await rig.StartCommand(RunnerRig.Request());
        await rig.StartCommand(RunnerRig.Request() with { Timeout = TimeSpan.FromDays(5) });
        await rig.StartCommand(RunnerRig.Request() with { Timeout = TimeSpan.FromMilliseconds(1500) });

        Assert.Equal(["43200"], rig.Ssm.Sends[0].Parameters["executionTimeout"]);
        Assert.Equal(["172800"], rig.Ssm.Sends[1].Parameters["executionTimeout"]);
        Assert.Equal(["2"], rig.Ssm.Sends[2].Parameters["executionTimeout"]);
        Assert.False(rig.Ssm.Sends[0].Parameters.ContainsKey("workingDirectory"));
        Assert.Contains(rig.Log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("48 hours", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Job_variables_and_Shoals_own_come_first_as_quoted_assignments()
    {
        var rig = new RunnerRig();
        var request = RunnerRig.Request("it's-a-job", "echo $GREETING") with
        {
            Env = new Dictionary<string, string> { ["GREETING"] = "hi 'there'", ["SHOAL_JOB_ID"] = "spoofed" },
        };

        await rig.StartCommand(request);

        Assert.Equal(
            [
                "export GREETING='hi '\\''there'\\'''",
                "export SHOAL_JOB_ID='spoofed'",
                "export SHOAL_JOB_ID='it'\\''s-a-job'",
                "export SHOAL_ATTEMPT='1'",
                $"export SHOAL_WORKER_ID='{RunnerRig.Worker}'",
                "echo $GREETING",
            ],
            rig.Ssm.Sends[0].Parameters["commands"]);
    }

    [Fact]
    public async Task PowerShell_documents_get_PowerShell_assignments()
    {
        var rig = new RunnerRig();
        var request = RunnerRig.Request() with
        {
            Document = "AWS-RunPowerShellScript",
            Commands = ["Write-Output $env:NAME"],
            Env = new Dictionary<string, string> { ["NAME"] = "O'Brien" },
        };

        await rig.StartCommand(request);

        Assert.Equal("$env:NAME = 'O''Brien'", rig.Ssm.Sends[0].Parameters["commands"][0]);
    }

    [Fact]
    public async Task A_job_output_location_wins_over_the_configured_one()
    {
        var rig = new RunnerRig();

        await rig.StartCommand(RunnerRig.Request() with { OutputS3Prefix = "s3://team-bucket/results/job-1" });
        await rig.StartCommand(RunnerRig.Request() with { OutputS3Prefix = "extra/" });

        Assert.Equal(("team-bucket", "results/job-1"), (rig.Ssm.Sends[0].OutputS3BucketName, rig.Ssm.Sends[0].OutputS3KeyPrefix));
        Assert.Equal((RunnerRig.Bucket, "runs/extra"), (rig.Ssm.Sends[1].OutputS3BucketName, rig.Ssm.Sends[1].OutputS3KeyPrefix));
    }

    [Fact]
    public async Task Without_an_output_bucket_nothing_is_uploaded_and_the_limit_is_announced()
    {
        var rig = new RunnerRig(new SsmCommandRunnerOptions());

        await rig.StartCommand();

        Assert.Null(rig.Ssm.Sends[0].OutputS3BucketName);
        Assert.Null(rig.Ssm.Sends[0].OutputS3KeyPrefix);
        Assert.Contains(rig.Log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("24000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_agent_that_is_not_registered_yet_is_waited_for_and_then_the_command_is_sent()
    {
        var rig = new RunnerRig();
        rig.Ssm.NotRegisteredSends = 4;

        var started = rig.Time.GetUtcNow();
        var handle = await rig.StartCommand();

        Assert.Equal("cmd-0001", handle.CommandId);
        Assert.Equal(5, rig.Ssm.Sends.Count);
        var waited = rig.Time.GetUtcNow() - started;
        // 2+4+8+16 s, each jittered down to half at most, and rounded up to the rig's 1 s steps.
        Assert.InRange(waited, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(34));
    }

    [Fact]
    public async Task An_agent_that_never_registers_fails_the_attempt_as_infrastructure_at_the_readiness_deadline_and_fast_after_it()
    {
        var rig = new RunnerRig();
        rig.Ssm.NeverRegistered = true;
        var started = rig.Time.GetUtcNow();

        var pending = rig.Start(r => r.StartAsync(RunnerRig.Request(), CancellationToken.None));
        for (var i = 0; i < 9 * 60; i++)
        {
            rig.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.False(pending.IsCompleted, "gave up before the readiness deadline");
        for (var i = 0; i < 200 && !pending.IsCompleted; i++)
        {
            rig.Advance(TimeSpan.FromSeconds(5));
        }

        var error = await Assert.ThrowsAsync<InfrastructureException>(() => rig.Settle(pending));
        Assert.Equal("AgentNotReady", error.Reason);
        Assert.Contains(RunnerRig.Worker, error.Message, StringComparison.Ordinal);
        Assert.Contains("AmazonSSMManagedInstanceCore", error.Message, StringComparison.Ordinal);
        Assert.InRange(rig.Time.GetUtcNow() - started, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(5));
        Assert.True(rig.Ssm.Sends.Count > 15, $"only {rig.Ssm.Sends.Count} sends in 10 minutes");

        // The deadline belongs to the worker: the next job's attempt does not wait another 10 minutes.
        var sends = rig.Ssm.Sends.Count;
        var again = rig.Start(r => r.StartAsync(RunnerRig.Request("job-2"), CancellationToken.None));
        Assert.True(again.IsCompleted);
        Assert.Equal("AgentNotReady", (await Assert.ThrowsAsync<InfrastructureException>(() => again)).Reason);
        Assert.Equal(sends + 1, rig.Ssm.Sends.Count);
    }

    [Fact]
    public async Task A_send_that_succeeds_resets_the_workers_readiness_clock()
    {
        var rig = new RunnerRig();
        rig.Ssm.NotRegisteredSends = 3;
        await rig.StartCommand();
        rig.Advance(TimeSpan.FromMinutes(30));

        // Later the instance vanishes: it gets a whole readiness timeout again, not an instant failure.
        rig.Ssm.NeverRegistered = true;
        var pending = rig.Start(r => r.StartAsync(RunnerRig.Request("job-2"), CancellationToken.None));
        for (var i = 0; i < 5 * 60; i++)
        {
            rig.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.False(pending.IsCompleted);
        Assert.True(rig.Ssm.Sends.Count > 10, "the vanished instance was not retried");
    }

    [Fact]
    public async Task Waiting_for_the_agent_stops_when_the_attempt_is_cancelled()
    {
        var rig = new RunnerRig();
        rig.Ssm.NeverRegistered = true;
        using var interrupt = new CancellationTokenSource();

        var pending = rig.Start(r => r.StartAsync(RunnerRig.Request(), interrupt.Token));
        rig.Advance(TimeSpan.FromSeconds(30));
        await interrupt.CancelAsync(); // its callbacks run on the thread pool: settle, do not just pump

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.Settle(pending));
    }

    [Fact]
    public async Task Throttled_sends_are_retried()
    {
        var rig = new RunnerRig();
        rig.Ssm.ThrottledCalls = 3;

        var handle = await rig.StartCommand();

        Assert.Equal("cmd-0001", handle.CommandId);
        Assert.Equal(4, rig.Ssm.Sends.Count);
    }

    [Fact]
    public async Task Sends_throttled_beyond_the_retries_fail_as_not_started()
    {
        var rig = new RunnerRig();
        rig.Ssm.ThrottledCalls = 100;

        await Assert.ThrowsAsync<Amazon.Runtime.AmazonServiceException>(() => rig.StartCommand());
        Assert.Equal(5, rig.Ssm.Sends.Count);
    }

    [Theory]
    [InlineData("InvalidDocument")]
    [InlineData("InvalidParameters")]
    [InlineData("UnsupportedPlatformType")]
    public async Task A_rejected_document_or_parameter_is_undeliverable_with_what_to_fix(string code)
    {
        var rig = new RunnerRig();
        rig.Ssm.SendError = FakeSsmApi.Error(code, message: "Document Missing-Doc does not exist");

        var error = await Assert.ThrowsAsync<InfrastructureException>(() => rig.StartCommand(RunnerRig.Request() with { Document = "Missing-Doc" }));

        Assert.Equal("Undeliverable", error.Reason);
        Assert.Contains(code, error.Message, StringComparison.Ordinal);
        Assert.Contains("ssm_document \"Missing-Doc\"", error.Message, StringComparison.Ordinal);
        Assert.Single(rig.Ssm.Sends);
    }

    [Fact]
    public async Task Access_denied_is_undeliverable_and_names_the_permission()
    {
        var rig = new RunnerRig();
        rig.Ssm.SendError = FakeSsmApi.Error("AccessDeniedException", HttpStatusCode.Forbidden, "not authorized to perform ssm:SendCommand");

        var error = await Assert.ThrowsAsync<InfrastructureException>(() => rig.StartCommand());

        Assert.Equal("Undeliverable", error.Reason);
        Assert.Contains("ssm:SendCommand", error.Message, StringComparison.Ordinal);
        Assert.Single(rig.Ssm.Sends);
    }

    [Fact]
    public async Task Long_job_ids_are_cut_to_the_100_character_comment_limit()
    {
        var rig = new RunnerRig();
        var key = "ingest/" + string.Concat(Enumerable.Repeat("very-long-folder-name/", 10)) + "input-0042.bat";

        await rig.StartCommand(RunnerRig.Request(key));

        var comment = rig.Ssm.Sends[0].Comment!;
        Assert.InRange(comment.Length, 90, 100);
        Assert.StartsWith("ingest/", comment, StringComparison.Ordinal);
        Assert.Contains("input-0042.bat", comment, StringComparison.Ordinal);
    }
}
