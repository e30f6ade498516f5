using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3.Model;
using Amazon.SimpleSystemsManagement.Model;
using Shoal.Aws.Commands;
using Shoal.Aws.Errors;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Ports;
using Shoal.Core.Workers;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// The runner against moto 5.2.1, which accepts and records SendCommand but never runs anything: every
/// invocation is Success with ResponseCode 0 and empty output at once, no output is uploaded, and
/// CancelCommand answers HTTP 500 (not implemented). moto also adds every instance in the region to a
/// command sent with InstanceIds, so these tests poll the instance they asked for and only check that
/// it is among the targets. What moto cannot show (statuses, exit codes, agents not registered,
/// throttling) is proven against <see cref="FakeSsmApi"/>.
/// </summary>
public sealed class SsmCommandRunnerMotoTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Bucket = "shoal-ssm-output";

    private readonly ListLogger log = new();

    [Fact]
    public async Task The_request_shape_is_accepted_and_an_empty_Success_is_completed_with_exit_code_0()
    {
        using var clients = await FreshAsync();
        var (worker, _) = await TwoInstancesAsync(clients);
        var runner = Runner(clients, new SsmCommandRunnerOptions { OutputBucket = Bucket, OutputKeyPrefix = "runs" });
        var jobId = "ingest/" + new string('k', 150) + "/input.sh";
        var request = new CommandRequest
        {
            WorkerId = worker,
            JobId = jobId,
            Attempt = 1,
            Document = "AWS-RunShellScript",
            Commands = ["echo Hello World"],
            Timeout = TimeSpan.FromHours(3),
            WorkingDirectory = "/tmp",
            Env = new Dictionary<string, string> { ["GREETING"] = "it's {{ssm:x}}" },
        };

        var handle = await runner.StartAsync(request, CancellationToken.None);

        var sent = Assert.Single((await clients.Ssm.ListCommandsAsync(new ListCommandsRequest { CommandId = handle.CommandId })).Commands);
        Assert.Contains(worker, sent.InstanceIds);
        Assert.Equal("AWS-RunShellScript", sent.DocumentName);
        Assert.Equal(["10800"], sent.Parameters["executionTimeout"]);
        Assert.Equal(["/tmp"], sent.Parameters["workingDirectory"]);
        Assert.Equal("echo Hello World", sent.Parameters["commands"][^1]);
        Assert.Equal("export GREETING='it'\\''s {''{ssm:x}}'", sent.Parameters["commands"][0]);
        Assert.True(sent.Comment.Length <= 100);
        Assert.Contains("/input.sh #", sent.Comment, StringComparison.Ordinal);
        Assert.EndsWith("(attempt 1)", sent.Comment, StringComparison.Ordinal);
        Assert.Equal((Bucket, "runs"), (sent.OutputS3BucketName, sent.OutputS3KeyPrefix));

        var status = await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(new CommandStatus(CommandState.Completed, 0), status);
    }

    [Fact]
    public async Task Cancel_is_not_implemented_by_moto_and_the_500_is_logged_not_thrown()
    {
        using var clients = await FreshAsync();
        var (worker, _) = await TwoInstancesAsync(clients);
        var runner = Runner(clients, new SsmCommandRunnerOptions());
        var handle = await runner.StartAsync(Request(worker), CancellationToken.None);

        await runner.CancelAsync(handle, CancellationToken.None);

        Assert.Contains(log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains(handle.CommandId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_full_stdout_is_read_from_S3_where_a_success_string_past_24000_characters_is_found()
    {
        using var clients = await FreshAsync();
        var (worker, _) = await TwoInstancesAsync(clients);
        await clients.S3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        var runner = SsmCommandRunner.Create(clients, new SsmCommandRunnerOptions { OutputBucket = Bucket, OutputKeyPrefix = "runs/" }, TimeProvider.System, log);
        var handle = await runner.StartAsync(Request(worker), CancellationToken.None);
        Assert.Equal(new CommandStatus(CommandState.Completed, 0), await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None));

        // moto's agent uploads nothing: put what the real one would, where it would.
        var stdout = string.Concat(Enumerable.Range(0, 4000).Select(i => $"progress {i:D6}\n")) + "upload: s3://results/out.csv\n";
        Assert.True(stdout.IndexOf("upload:", StringComparison.Ordinal) > 24_000);
        await clients.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = SsmOutputKeys.StdoutKey("runs/", handle.CommandId, worker, "AWS-RunShellScript"),
            ContentBody = stdout,
        });

        Assert.True(await ContainsAsync(runner, handle, "upload: s3://results/out.csv"));
        Assert.False(await ContainsAsync(runner, handle, "Traceback"));
        using var whole = await runner.OpenOutputAsync(handle, CancellationToken.None);
        Assert.Equal(stdout, await whole.ReadToEndAsync());
    }

    [Fact]
    public async Task No_object_in_S3_and_moto_s_empty_inline_output_read_as_empty_output()
    {
        using var clients = await FreshAsync();
        var (worker, _) = await TwoInstancesAsync(clients);
        await clients.S3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        var runner = Runner(clients, new SsmCommandRunnerOptions { OutputBucket = Bucket, OutputUploadGrace = TimeSpan.FromMilliseconds(300) });
        var handle = await runner.StartAsync(Request(worker), CancellationToken.None);
        await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None);

        using var output = await runner.OpenOutputAsync(handle, CancellationToken.None);

        Assert.Equal("", await output.ReadToEndAsync());
    }

    [Fact]
    public async Task A_custom_documents_step_outputs_are_listed_and_read_in_order_from_S3()
    {
        using var clients = await FreshAsync();
        var (worker, _) = await TwoInstancesAsync(clients);
        await clients.S3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        var runner = Runner(clients, new SsmCommandRunnerOptions { OutputBucket = Bucket, OutputKeyPrefix = "runs" });
        var handle = await runner.StartAsync(Request(worker) with { Document = "Team-RunBatch" }, CancellationToken.None);
        await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None);
        var folder = $"runs/{handle.CommandId}/{worker}/awsrunShellScript";
        foreach (var (key, body) in new[] { ($"{folder}/a-fetch/stdout", "fetched\n"), ($"{folder}/a-fetch/stderr", "noise\n"), ($"{folder}/b-run/stdout", "SUCCESS\n") })
        {
            await clients.S3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = body });
        }

        using var output = await runner.OpenOutputAsync(handle, CancellationToken.None);

        Assert.Equal("fetched\nSUCCESS\n", await output.ReadToEndAsync());
    }

    [Fact]
    public async Task Moto_s_InvocationDoesNotExist_is_running_within_the_grace_period_and_a_lost_worker_after_it()
    {
        // moto answers InvocationDoesNotExist for an instance that is not among the command's targets.
        using var clients = await FreshAsync();
        var (worker, _) = await TwoInstancesAsync(clients);
        var patient = Runner(clients, new SsmCommandRunnerOptions());
        var impatient = Runner(clients, new SsmCommandRunnerOptions { InvocationVisibilityGrace = TimeSpan.FromTicks(1) });
        var sent = await patient.StartAsync(Request(worker), CancellationToken.None);
        var elsewhere = new CommandHandle("i-0000000000000dead", sent.CommandId);

        Assert.Equal(CommandState.Running, (await patient.WaitAsync(elsewhere, TimeSpan.Zero, CancellationToken.None)).State);
        var lost = await impatient.WaitAsync(elsewhere, TimeSpan.FromMilliseconds(1), CancellationToken.None);
        Assert.Equal(CommandState.WorkerLost, lost.State);
        Assert.Contains("InvocationDoesNotExist", lost.Detail, StringComparison.Ordinal);
    }

    private async Task<AwsClients> FreshAsync()
    {
        await moto.ResetAsync();
        return moto.NewClients();
    }

    private static async Task<(string First, string Second)> TwoInstancesAsync(AwsClients clients)
    {
        var launched = await clients.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-12c6146b",
            InstanceType = InstanceType.M5Large,
            MinCount = 2,
            MaxCount = 2,
        });
        var ids = launched.Reservation.Instances.Select(i => i.InstanceId).ToList();
        return (ids[0], ids[1]);
    }

    [Fact]
    public async Task A_restarted_runner_finds_the_attempts_command_on_the_wire_with_ListCommands_and_the_send_client_has_no_SDK_retries()
    {
        using var clients = await FreshAsync();
        var (worker, _) = await TwoInstancesAsync(clients);
        var before = DateTimeOffset.UtcNow;
        var sent = await Runner(clients, new SsmCommandRunnerOptions()).StartAsync(Request(worker) with { Attempt = 3 }, CancellationToken.None);
        await Runner(clients, new SsmCommandRunnerOptions()).StartAsync(Request(worker) with { Attempt = 4 }, CancellationToken.None);

        var restarted = Runner(clients, new SsmCommandRunnerOptions());
        var found = await restarted.FindAsync(Request(worker) with { Attempt = 3 }, before, CancellationToken.None);

        Assert.Equal(sent, found);
        Assert.Equal(CommandState.Completed, (await restarted.WaitAsync(found!, TimeSpan.Zero, CancellationToken.None)).State);
        Assert.Null(await restarted.FindAsync(Request(worker) with { Attempt = 5 }, before, CancellationToken.None));
        Assert.Equal(0, clients.SsmSend.Config.MaxErrorRetry);
        Assert.True(clients.Ssm.Config.MaxErrorRetry > 0);
    }

    private SsmCommandRunner Runner(AwsClients clients, SsmCommandRunnerOptions options) =>
        new(new AwsSsmApi(clients.Ssm, clients.SsmSend), new S3OutputStore(clients.S3), options, TimeProvider.System,
            new AwsRetry(TimeProvider.System, maxAttempts: 2, baseDelay: TimeSpan.FromMilliseconds(10)), log);

    private static CommandRequest Request(string worker) => new()
    {
        WorkerId = worker,
        JobId = "job-1",
        Attempt = 1,
        Document = "AWS-RunShellScript",
        Commands = ["echo hi"],
    };

    private static async Task<bool> ContainsAsync(SsmCommandRunner runner, CommandHandle handle, string expected)
    {
        using var output = await runner.OpenOutputAsync(handle, CancellationToken.None);
        return await OutputSearch.ContainsAsync(output, expected, CancellationToken.None);
    }
}
