using System.Text.Json.Nodes;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Errors;
using Shoal.Aws.Ingest;
using Shoal.Aws.Queue;
using Shoal.Aws.Tests.Queue;
using Shoal.Core.Jobs;

namespace Shoal.Aws.Tests.Ingest;

/// <summary>
/// S3 ingest decisions on hand-made events (shapes of real S3 and of moto), through a scripted SQS:
/// what becomes a job, what is dropped, what is recorded as invalid, and that an event is never
/// deleted before its job is sent.
/// </summary>
public sealed class S3JobIngestTests
{
    private const string IngestUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/ingest";
    private const string JobsUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeSqsApi sqs = new();
    private readonly InMemoryJobLedger ledger = new();
    private readonly AwsRetry retry;
    private readonly SqsJobQueue jobs;

    public S3JobIngestTests()
    {
        retry = new AwsRetry(time, baseDelay: TimeSpan.Zero, random: new Random(1));
        jobs = new SqsJobQueue(sqs, new SqsQueueUrls("jobs", JobsUrl, JobsUrl + "-dead-letter", null), retry, time);
        sqs.Attributes[IngestUrl] = new(StringComparer.Ordinal) { ["ApproximateNumberOfMessages"] = "0" };
    }

    [Theory]
    [InlineData("jobs/a+b/it%27s+%C3%BC%2Brun.sh", "jobs/a b/it's ü+run.sh")] // real S3: '/' kept, '+' is a space
    [InlineData("jobs%2Fa+b%2Fit%27s+%C3%BC%2Brun.sh", "jobs/a b/it's ü+run.sh")] // moto: '/' encoded too
    [InlineData("jobs/plain/run.sh", "jobs/plain/run.sh")]
    public async Task An_uploaded_executable_becomes_a_job_named_by_its_decoded_key(string encoded, string key)
    {
        sqs.EnqueueReceive(Message("e1", Event("drop", encoded)));

        Assert.Equal(1, await Ingest().PollAsync(CancellationToken.None));

        var spec = SentJob();
        Assert.Equal(key, spec.JobId);
        Assert.Equal("AWS-RunShellScript", spec.Document);
        Assert.Equal(S3IngestJob.ShellCommands, spec.Commands);
        Assert.Equal("drop", spec.Env["SHOAL_INGEST_BUCKET"]);
        Assert.Equal(key[..key.LastIndexOf('/')], spec.Env["SHOAL_INGEST_PREFIX"]);
        Assert.Equal(key[(key.LastIndexOf('/') + 1)..], spec.Env["SHOAL_INGEST_EXE"]);
        Assert.Equal(".sh", spec.Env["SHOAL_INGEST_SUFFIX"]);
        var record = Assert.Single(ledger.All);
        Assert.Equal((key, JobStatus.Queued, "jobs"), (record.JobId, record.Status, record.Queue));
        Assert.Equal("e1-handle", Assert.Single(sqs.CallsOf("DeleteMessage")).ReceiptHandle);
    }

    [Fact]
    public async Task The_job_carries_the_configured_defaults()
    {
        sqs.EnqueueReceive(Message("e1", Event("drop", "jobs/a/run.sh")));

        await Ingest(new() { QueueUrl = IngestUrl, Retry = 5, SuccessString = "upload", TimeoutSeconds = 3600, WorkingDirectory = "/scratch" }).PollAsync(CancellationToken.None);

        var spec = SentJob();
        Assert.Equal((5, "upload", 3600, "/scratch"), (spec.Retry, spec.SuccessString, spec.TimeoutSeconds, spec.WorkingDirectory));
    }

    [Fact]
    public async Task A_windows_job_runs_the_same_way_in_PowerShell()
    {
        sqs.EnqueueReceive(Message("e1", Event("drop", "jobs/a/run.bat")));

        await Ingest(new() { QueueUrl = IngestUrl, ExecutableSuffix = ".bat", Platform = Platform.Windows }).PollAsync(CancellationToken.None);

        var spec = SentJob();
        Assert.Equal("AWS-RunPowerShellScript", spec.Document);
        Assert.Equal(S3IngestJob.PowerShellCommands, spec.Commands);
        Assert.Equal("run.bat", spec.Env["SHOAL_INGEST_EXE"]);
    }

    [Fact]
    public void The_commands_never_contain_the_key()
    {
        var hostile = "jobs/a b/it's \"x\" $(touch pwned); ü/run.sh";
        foreach (var platform in new[] { Platform.Linux, Platform.Windows })
        {
            var options = new S3IngestOptions { QueueUrl = IngestUrl, Platform = platform };
            var one = JobMessageParser.Parse(S3IngestJob.Compose("drop", hostile, options), new JobDefaults()).Job!;
            var other = JobMessageParser.Parse(S3IngestJob.Compose("other", "x/y.sh", options), new JobDefaults()).Job!;

            Assert.Equal(one.Commands, other.Commands);
            Assert.DoesNotContain(one.Commands, c => c.Contains("pwned", StringComparison.Ordinal) || c.Contains("drop", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_duplicate_event_does_not_make_a_second_job()
    {
        sqs.EnqueueReceive(Message("e1", Event("drop", "jobs/a/run.sh")), Message("e2", Event("drop", "jobs/a/run.sh")));
        sqs.EnqueueReceive(Message("e3", Event("drop", "jobs%2Fa%2Frun.sh")));
        var ingest = Ingest();

        Assert.Equal(1, await ingest.PollAsync(CancellationToken.None));
        Assert.Equal(0, await ingest.PollAsync(CancellationToken.None));

        Assert.Single(sqs.CallsOf("SendMessage"));
        Assert.Equal(1, ledger.Writes);
        Assert.Equal(3, sqs.CallsOf("DeleteMessage").Count);
    }

    [Fact]
    public async Task Test_events_malformed_messages_and_events_that_are_no_jobs_are_deleted_without_a_job()
    {
        sqs.EnqueueReceive(
            Message("test", "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-24T08:00:00.000Z\",\"Bucket\":\"drop\"}"),
            Message("garbage", "not json at all"),
            Message("array", "[1,2]"),
            Message("no-key", "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"drop\"},\"object\":{}}}]}"),
            Message("removed", Event("drop", "jobs/a/run.sh", "ObjectRemoved:Delete")),
            Message("no-suffix", Event("drop", "jobs/a/input.txt")),
            Message("no-folder", Event("drop", "run.sh")),
            Message("other-bucket", Event("elsewhere", "jobs/b/run.sh")));

        Assert.Equal(0, await Ingest(new() { QueueUrl = IngestUrl, Bucket = "drop" }).PollAsync(CancellationToken.None));

        Assert.Empty(sqs.CallsOf("SendMessage"));
        Assert.Empty(ledger.All);
        Assert.Equal(8, sqs.CallsOf("DeleteMessage").Count);
    }

    [Fact]
    public async Task Keys_outside_the_prefix_are_not_jobs()
    {
        sqs.EnqueueReceive(Message("e1", Event("drop", "other/a/run.sh")), Message("e2", Event("drop", "jobs/a/run.sh")));

        Assert.Equal(1, await Ingest(new() { QueueUrl = IngestUrl, Prefix = "jobs/" }).PollAsync(CancellationToken.None));

        Assert.Equal("jobs/a/run.sh", SentJob().JobId);
    }

    [Theory]
    [InlineData("jobs/a%0Ab/run.sh", "U+000A at position 6")]
    [InlineData("jobs/a%1B%5B31mred/run.sh", "U+001B at position 6")]
    public async Task A_key_with_a_control_character_is_recorded_as_an_invalid_job_once(string encoded, string where)
    {
        sqs.EnqueueReceive(Message("e1", Event("drop", encoded)));
        sqs.EnqueueReceive(Message("e2", Event("drop", encoded)));
        var ingest = Ingest();

        await ingest.PollAsync(CancellationToken.None);
        await ingest.PollAsync(CancellationToken.None);

        Assert.Empty(sqs.CallsOf("SendMessage"));
        var record = Assert.Single(ledger.All);
        Assert.Equal((JobStatus.Failed, JobReasons.InvalidJob), (record.Status, record.Reason));
        Assert.StartsWith("invalid-s3-", record.JobId, StringComparison.Ordinal);
        Assert.Contains(where, record.Message, StringComparison.Ordinal);
        Assert.Contains("rename the object", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(record.Message!, char.IsControl);
        Assert.Equal("drop", JsonNode.Parse(record.Body!)!["bucket"]!.GetValue<string>());
        Assert.Equal(2, sqs.CallsOf("DeleteMessage").Count);
    }

    [Fact]
    public async Task A_key_too_long_for_a_job_id_is_recorded_as_an_invalid_job()
    {
        var key = "jobs/" + new string('k', 1100) + "/run.sh";
        sqs.EnqueueReceive(Message("e1", Event("drop", key)));

        await Ingest().PollAsync(CancellationToken.None);

        var record = Assert.Single(ledger.All);
        Assert.Equal(JobReasons.InvalidJob, record.Reason);
        Assert.Contains("1112 characters long", record.Message, StringComparison.Ordinal);
        Assert.Empty(sqs.CallsOf("SendMessage"));
    }

    [Fact]
    public async Task An_event_whose_job_could_not_be_sent_stays_in_the_ingest_queue_and_is_retried()
    {
        sqs.Attributes[IngestUrl]["ApproximateNumberOfMessagesNotVisible"] = "1";
        sqs.EnqueueReceive(Message("e1", Event("drop", "jobs/a/run.sh")));
        sqs.Fail("SendMessage", 1, AwsErrors.AccessDenied);
        var ingest = Ingest();

        // Nothing submitted, but the event is still there: "more may be coming".
        Assert.Equal(1, await ingest.PollAsync(CancellationToken.None));
        Assert.Empty(sqs.CallsOf("DeleteMessage"));
        Assert.Empty(ledger.All);

        sqs.Attributes[IngestUrl]["ApproximateNumberOfMessagesNotVisible"] = "0";
        sqs.EnqueueReceive(Message("e1", Event("drop", "jobs/a/run.sh")));
        Assert.Equal(1, await ingest.PollAsync(CancellationToken.None));
        var sends = sqs.CallsOf("SendMessage");
        Assert.Equal(2, sends.Count);
        Assert.Equal("jobs/a/run.sh", JobMessageParser.Parse(sends[1].Body!, new JobDefaults()).Job!.JobId);
        Assert.Equal(JobStatus.Queued, Assert.Single(ledger.All).Status);
        Assert.Single(sqs.CallsOf("DeleteMessage"));
    }

    [Fact]
    public async Task A_throttled_receive_is_retried()
    {
        sqs.Fail("ReceiveMessages", 2, AwsErrors.Throttled);
        sqs.EnqueueReceive(Message("e1", Event("drop", "jobs/a/run.sh")));

        Assert.Equal(1, await Ingest().PollAsync(CancellationToken.None));
        Assert.Equal(3, sqs.CallsOf("ReceiveMessages").Count);
    }

    [Fact]
    public async Task Denied_access_to_the_ingest_queue_surfaces_once()
    {
        sqs.Fail("ReceiveMessages", 1, AwsErrors.AccessDenied);

        var error = await Assert.ThrowsAsync<AmazonServiceException>(() => Ingest().PollAsync(CancellationToken.None));

        Assert.Equal(AwsErrorKind.Unauthorized, AwsErrorClassifier.Classify(error));
        Assert.Single(sqs.CallsOf("ReceiveMessages"));
    }

    [Fact]
    public async Task Full_batches_are_drained_in_one_poll_and_short_ones_end_it()
    {
        sqs.EnqueueReceive(Enumerable.Range(0, 10).Select(i => Message($"e{i}", Event("drop", $"jobs/{i}/run.sh"))).ToArray());
        sqs.EnqueueReceive(Message("e10", Event("drop", "jobs/10/run.sh")));

        Assert.Equal(11, await Ingest().PollAsync(CancellationToken.None));

        var receives = sqs.CallsOf("ReceiveMessages");
        Assert.Equal(2, receives.Count);
        Assert.All(receives, r => Assert.Equal((10, 0, 60), (r.Max!.Value, r.Wait!.Value, r.Seconds!.Value)));
    }

    private S3JobIngest Ingest(S3IngestOptions? options = null) =>
        new(sqs, options ?? new S3IngestOptions { QueueUrl = IngestUrl }, jobs, ledger, retry, time);

    private JobSpec SentJob()
    {
        var send = Assert.Single(sqs.CallsOf("SendMessage"));
        Assert.Equal(JobsUrl, send.QueueUrl);
        var parsed = JobMessageParser.Parse(send.Body!, new JobDefaults());
        Assert.True(parsed.Job is not null, parsed.ErrorText);
        return parsed.Job!;
    }

    private static SqsMessage Message(string id, string body) => new(id, id + "-handle", body, 1, null);

    private static string Event(string bucket, string encodedKey, string eventName = "ObjectCreated:Put") => new JsonObject
    {
        ["Records"] = new JsonArray(new JsonObject
        {
            ["eventVersion"] = "2.1",
            ["eventSource"] = "aws:s3",
            ["awsRegion"] = "us-east-1",
            ["eventName"] = eventName,
            ["s3"] = new JsonObject
            {
                ["s3SchemaVersion"] = "1.0",
                ["bucket"] = new JsonObject { ["name"] = bucket, ["arn"] = $"arn:aws:s3:::{bucket}" },
                ["object"] = new JsonObject { ["key"] = encodedKey, ["size"] = 10 },
            },
        }),
    }.ToJsonString();
}
