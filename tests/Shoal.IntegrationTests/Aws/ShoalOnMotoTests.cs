using System.Text.Json;
using Shoal.Aws.Tests.Moto;
using Shoal.Cli.Tests.EndToEnd;

namespace Shoal.IntegrationTests.Aws;

/// <summary>
/// The AWS backend end to end, as a user drives it: `shoal run --provider aws` with the sample manifests
/// against moto_server, checked with the real AWS CLI. moto's SSM runs nothing and reports Success with
/// empty output, so a job without a success string succeeds and one with a success string fails after
/// exactly retry + 1 attempts: that is what these tests can prove about the command path here.
/// </summary>
public sealed class ShoalOnMotoTests(MotoServer moto) : IClassFixture<MotoServer>, IDisposable
{
    private static readonly string Samples = Path.Combine(RepoRoot(), "config", "samples", "aws");
    private readonly TempDirectory temp = new();
    private readonly AwsCli aws = new(moto.Endpoint);

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Run_launches_tagged_spot_workers_runs_every_job_records_it_in_DynamoDB_and_terminates_every_instance()
    {
        await moto.ResetAsync();
        var jobs = temp.File("jobs.jsonl", string.Join('\n',
            """{"job_id": "plain-1", "retry": 1, "commands": ["echo hi"]}""",
            """{"job_id": "plain-2", "retry": "2", "commands": ["echo hi"],}""",
            """{"job_id": "plain-3", "commands": ["echo hi"]}""",
            """{"job_id": "wants-hello", "retry": 2, "job_success_string": "Hello", "commands": ["echo Hello"]}"""));

        var summary = await ShoalProcess.RunJsonAsync(temp.Path, aws.Environment, "run", "--provider", "aws", "--manifests", Samples, "--jobs", jobs, "--json");

        Assert.Equal("aws", summary.GetProperty("provider").GetString());
        Assert.Equal(3, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal(1, summary.GetProperty("failed").GetInt32());
        Assert.Equal(3 + 3, summary.GetProperty("attempts").GetInt32());
        Assert.Equal(summary.GetProperty("workersLaunched").GetInt32(), summary.GetProperty("workersTerminated").GetInt32());

        var instances = (await aws.JsonAsync("ec2", "describe-instances", "--query", "Reservations[].Instances[]")).EnumerateArray().ToList();
        Assert.NotEmpty(instances);
        Assert.All(instances, i =>
        {
            Assert.Equal("terminated", i.GetProperty("State").GetProperty("Name").GetString());
            Assert.Equal("spot", i.GetProperty("InstanceLifecycle").GetString());
            var tags = i.GetProperty("Tags").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString());
            Assert.Equal("demo-pool", tags["shoal.dev/pool"]);
            Assert.Equal("demo-job-queue", tags["shoal.dev/queue"]);
            Assert.StartsWith("shoal-run/demo/", tags["shoal.dev/owner"]);
        });

        var failed = await GetItemAsync("wants-hello");
        Assert.Equal("FAILED", failed.GetProperty("status").GetProperty("S").GetString());
        Assert.Equal("3", failed.GetProperty("attempts").GetProperty("N").GetString());
        Assert.Equal("SuccessStringNotFound", failed.GetProperty("reason").GetProperty("S").GetString());
        Assert.Equal("2 of 2", failed.GetProperty("Retries").GetProperty("S").GetString());
        foreach (var id in new[] { "plain-1", "plain-2", "plain-3" })
        {
            var item = await GetItemAsync(id);
            Assert.Equal("SUCCEEDED", item.GetProperty("status").GetProperty("S").GetString());
            Assert.Equal("Successful", item.GetProperty("Status").GetProperty("S").GetString());
            Assert.StartsWith("i-", item.GetProperty("instance_id").GetProperty("S").GetString());
        }
    }

    [Fact]
    public async Task A_seed_format_message_from_the_aws_cli_and_an_uploaded_executable_both_become_jobs_that_run()
    {
        await moto.ResetAsync();
        var none = temp.File("none.jsonl", "\n");
        // A first run creates the queues, table, bucket and notification, as an operator would once.
        await ShoalProcess.RunJsonAsync(temp.Path, aws.Environment, "run", "--provider", "aws", "--manifests", Samples, "--jobs", none, "--json");

        var queueUrl = await aws.RunAsync("sqs", "get-queue-url", "--queue-name", "demo-job-queue", "--query", "QueueUrl", "--output", "text");
        await aws.RunAsync("sqs", "send-message", "--queue-url", queueUrl, "--message-body",
            """{"job_id": "jobId_0", "retry": "3", "job_success_string": " ", "ssm_document": "AWS-RunShellScript", "commands": ["echo Hello World"],}""");
        var input = temp.File("input.txt", "data\n");
        var executable = temp.File("run.sh", "#!/bin/bash\necho rendered\n");
        await aws.RunAsync("s3", "cp", input, "s3://shoal-demo-drop/jobs/scene 'one' $x; ü/input.txt");
        await aws.RunAsync("s3", "cp", executable, "s3://shoal-demo-drop/jobs/scene 'one' $x; ü/run.sh");

        var summary = await ShoalProcess.RunJsonAsync(temp.Path, aws.Environment, "run", "--provider", "aws", "--manifests", Samples, "--json");

        Assert.Equal(2, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal("SUCCEEDED", (await GetItemAsync("jobId_0")).GetProperty("status").GetProperty("S").GetString());
        var ingested = await GetItemAsync("jobs/scene 'one' $x; ü/run.sh");
        Assert.Equal("SUCCEEDED", ingested.GetProperty("status").GetProperty("S").GetString());
        Assert.Contains("SHOAL_INGEST_EXE", ingested.GetProperty("body").GetProperty("S").GetString());
    }

    [Fact]
    public async Task Submit_sends_to_the_queue_and_a_later_run_drains_it()
    {
        await moto.ResetAsync();
        var jobs = temp.File("more.jsonl", """{"job_id": "submitted-1", "commands": ["true"]}""");

        var (exit, _, stderr) = await ShoalProcess.RunAsync(temp.Path, aws.Environment, "submit", "--provider", "aws", "--manifests", Samples, jobs);
        Assert.True(exit == 0, stderr);
        Assert.Equal("QUEUED", (await GetItemAsync("submitted-1")).GetProperty("status").GetProperty("S").GetString());

        var summary = await ShoalProcess.RunJsonAsync(temp.Path, aws.Environment, "run", "--provider", "aws", "--manifests", Samples, "--json");
        Assert.Equal(1, summary.GetProperty("succeeded").GetInt32());
    }

    [Fact]
    public async Task An_instance_launched_by_someone_else_with_the_adoption_tag_runs_the_jobs_and_is_terminated_when_drained()
    {
        await moto.ResetAsync();
        var manifests = Path.Combine(temp.Path, "manifests");
        Directory.CreateDirectory(manifests);
        File.Copy(Path.Combine(Samples, "jobqueue.yaml"), Path.Combine(manifests, "jobqueue.yaml"));
        File.WriteAllText(Path.Combine(manifests, "workerpool.yaml"),
            File.ReadAllText(Path.Combine(Samples, "workerpool.yaml")).Replace("  capacity: spot", "  adoptionTagKey: my-scheduler\n  capacity: spot", StringComparison.Ordinal));
        var ami = await aws.RunAsync("ssm", "get-parameter", "--name", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", "--query", "Parameter.Value", "--output", "text");
        var theirs = await aws.RunAsync("ec2", "run-instances", "--image-id", ami, "--instance-type", "c5.large", "--count", "1",
            "--tag-specifications", "ResourceType=instance,Tags=[{Key=my-scheduler,Value=demo-job-queue}]", "--query", "Instances[0].InstanceId", "--output", "text");
        var jobs = temp.File("adopt.jsonl", string.Join('\n', Enumerable.Range(1, 3).Select(i => $$"""{"job_id": "adopted-{{i}}", "commands": ["true"]}""")));

        var summary = await ShoalProcess.RunJsonAsync(temp.Path, aws.Environment, "run", "--provider", "aws", "--manifests", manifests, "--jobs", jobs, "--workers", "1", "--json");

        Assert.Equal(1, summary.GetProperty("workersAdopted").GetInt32());
        Assert.Equal(0, summary.GetProperty("workersLaunched").GetInt32());
        Assert.Equal(3, summary.GetProperty("succeeded").GetInt32());
        foreach (var i in Enumerable.Range(1, 3))
        {
            Assert.Equal(theirs, (await GetItemAsync($"adopted-{i}")).GetProperty("instance_id").GetProperty("S").GetString());
        }

        Assert.Equal("terminated", await aws.RunAsync("ec2", "describe-instances", "--instance-ids", theirs, "--query", "Reservations[0].Instances[0].State.Name", "--output", "text"));
    }

    private async Task<JsonElement> GetItemAsync(string jobId) =>
        (await aws.JsonAsync("dynamodb", "get-item", "--table-name", "demo-job-monitoring", "--key", JsonSerializer.Serialize(new { job_id = new { S = jobId } })))
        .GetProperty("Item");

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Operator.sln not found above " + AppContext.BaseDirectory);
    }
}
