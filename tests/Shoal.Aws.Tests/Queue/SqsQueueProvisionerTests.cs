using System.Text.Json.Nodes;
using Amazon.SQS.Model;
using Shoal.Aws.Errors;
using Shoal.Aws.Queue;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;

namespace Shoal.Aws.Tests.Queue;

public sealed class SqsQueueProvisionerTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private AwsClients clients = null!;
    private SqsQueueProvisioner provisioner = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        clients = moto.NewClients();
        provisioner = new SqsQueueProvisioner(new SqsApi(clients.Sqs), new AwsRetry(TimeProvider.System));
    }

    public Task DisposeAsync()
    {
        clients.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Creates_the_job_queue_with_a_redrive_policy_and_its_companions()
    {
        var urls = await provisioner.EnsureAsync(new SqsQueueSpec { Name = "jobs" }, CancellationToken.None);

        Assert.Equal("jobs", urls.Name);
        Assert.EndsWith("/jobs", urls.QueueUrl, StringComparison.Ordinal);
        Assert.EndsWith("/jobs-dead-letter", urls.DeadLetterUrl, StringComparison.Ordinal);
        Assert.EndsWith("/jobs-finished", urls.FinishedUrl, StringComparison.Ordinal);

        var job = await AttributesAsync(urls.QueueUrl);
        Assert.Equal("120", job["VisibilityTimeout"]);
        Assert.Equal("1209600", job["MessageRetentionPeriod"]);
        var redrive = JsonNode.Parse(job["RedrivePolicy"])!;
        Assert.Equal(1000, int.Parse(redrive["maxReceiveCount"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((await AttributesAsync(urls.DeadLetterUrl))["QueueArn"], redrive["deadLetterTargetArn"]!.GetValue<string>());
        Assert.Equal("1209600", (await AttributesAsync(urls.DeadLetterUrl))["MessageRetentionPeriod"]);
        Assert.Equal("1209600", (await AttributesAsync(urls.FinishedUrl!))["MessageRetentionPeriod"]);
    }

    [Fact]
    public async Task Is_idempotent_and_brings_a_changed_spec_to_the_queue()
    {
        var first = await provisioner.EnsureAsync(new SqsQueueSpec { Name = "jobs" }, CancellationToken.None);
        var second = await provisioner.EnsureAsync(new SqsQueueSpec { Name = "jobs" }, CancellationToken.None);
        var changed = await provisioner.EnsureAsync(new SqsQueueSpec { Name = "jobs", MaxReceiveCount = 50, VisibilityTimeout = TimeSpan.FromMinutes(5) }, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(first, changed);
        Assert.Equal(3, (await clients.Sqs.ListQueuesAsync(new ListQueuesRequest())).QueueUrls.Count);
        var job = await AttributesAsync(first.QueueUrl);
        Assert.Equal("300", job["VisibilityTimeout"]);
        Assert.Equal("50", JsonNode.Parse(job["RedrivePolicy"])!["maxReceiveCount"]!.ToString());
    }

    [Fact]
    public async Task Without_a_finished_queue_none_is_created()
    {
        var urls = await provisioner.EnsureAsync(new SqsQueueSpec { Name = "jobs", Finished = false }, CancellationToken.None);

        Assert.Null(urls.FinishedUrl);
        Assert.Equal(2, (await clients.Sqs.ListQueuesAsync(new ListQueuesRequest())).QueueUrls.Count);
    }

    [Fact]
    public async Task An_existing_queue_is_used_as_it_is_with_the_dead_letter_queue_of_its_redrive_policy()
    {
        var theirDeadLetter = (await clients.Sqs.CreateQueueAsync("their-dlq")).QueueUrl;
        var arn = (await AttributesAsync(theirDeadLetter))["QueueArn"];
        var theirs = (await clients.Sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "their-jobs",
            Attributes = new() { ["VisibilityTimeout"] = "45", ["RedrivePolicy"] = $"{{\"deadLetterTargetArn\":\"{arn}\",\"maxReceiveCount\":\"7\"}}" },
        })).QueueUrl;

        var urls = await provisioner.EnsureAsync(new SqsQueueSpec { Url = theirs }, CancellationToken.None);

        Assert.Equal(new SqsQueueUrls("their-jobs", theirs, theirDeadLetter, urls.FinishedUrl), urls);
        Assert.EndsWith("/their-jobs-finished", urls.FinishedUrl, StringComparison.Ordinal);
        var after = await AttributesAsync(theirs);
        Assert.Equal("45", after["VisibilityTimeout"]);
        Assert.Equal("7", JsonNode.Parse(after["RedrivePolicy"])!["maxReceiveCount"]!.ToString());
    }

    [Fact]
    public async Task An_existing_queue_without_a_redrive_policy_gets_a_dead_letter_queue_beside_it_and_is_not_changed()
    {
        var theirs = (await clients.Sqs.CreateQueueAsync("plain")).QueueUrl;
        var finished = (await clients.Sqs.CreateQueueAsync("plain-out")).QueueUrl;

        var urls = await provisioner.EnsureAsync(new SqsQueueSpec { Url = theirs, FinishedUrl = finished }, CancellationToken.None);

        Assert.EndsWith("/plain-dead-letter", urls.DeadLetterUrl, StringComparison.Ordinal);
        Assert.Equal(finished, urls.FinishedUrl);
        Assert.False((await AttributesAsync(theirs)).ContainsKey("RedrivePolicy"));
    }

    [Fact]
    public async Task A_queue_url_that_does_not_exist_is_reported_with_what_to_do()
    {
        var missing = new Uri(moto.Endpoint, "/123456789012/no-such-queue").ToString();

        var error = await Assert.ThrowsAsync<SqsSetupException>(() => provisioner.EnsureAsync(new SqsQueueSpec { Url = missing }, CancellationToken.None));

        Assert.Equal("QueueNotFound", error.Reason);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("leave spec.url empty", error.Message, StringComparison.Ordinal);
        Assert.Empty((await clients.Sqs.ListQueuesAsync(new ListQueuesRequest())).QueueUrls ?? []);
    }

    [Theory]
    [InlineData("jobs", "not a URL")]
    [InlineData("jobs", "ftp://example.com/jobs")]
    public async Task A_malformed_queue_url_is_reported_before_any_call(string name, string url)
    {
        var error = await Assert.ThrowsAsync<SqsSetupException>(() => provisioner.EnsureAsync(new SqsQueueSpec { Name = name, Url = url }, CancellationToken.None));

        Assert.Equal("InvalidQueueUrl", error.Reason);
        Assert.Contains("https://sqs.us-east-1.amazonaws.com/123456789012/jobs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jobs.fifo", "FifoQueueNotSupported")]
    [InlineData("has space", "InvalidQueueSettings")]
    [InlineData("a-name-that-is-far-too-long-for-sqs-once-shoal-appends-its-dead-letter-suffix", "InvalidQueueSettings")]
    public async Task Unusable_names_are_refused_with_the_rule(string name, string reason)
    {
        var error = await Assert.ThrowsAsync<SqsSetupException>(() => provisioner.EnsureAsync(new SqsQueueSpec { Name = name }, CancellationToken.None));

        Assert.Equal(reason, error.Reason);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_denied_is_reported_once_with_the_permissions_to_grant()
    {
        var sqs = new FakeSqsApi();
        sqs.Fail(FakeSqsApi.Any, 1, AwsErrors.AccessDenied);
        var denied = new SqsQueueProvisioner(sqs, new AwsRetry(TimeProvider.System, baseDelay: TimeSpan.Zero));

        var error = await Assert.ThrowsAsync<SqsSetupException>(() => denied.EnsureAsync(new SqsQueueSpec { Name = "jobs" }, CancellationToken.None));

        Assert.Equal("AccessDenied", error.Reason);
        Assert.Contains("AccessDenied", error.Message, StringComparison.Ordinal);
        Assert.Contains("sqs:CreateQueue", error.Message, StringComparison.Ordinal);
        Assert.Single(sqs.Calls);
        Assert.Equal(AwsErrorKind.Unauthorized, AwsErrorClassifier.Classify(error.InnerException!));
    }

    [Fact]
    public async Task Throttled_set_up_calls_are_retried()
    {
        var sqs = new FakeSqsApi();
        sqs.Fail("CreateQueue", 2, AwsErrors.Throttled);
        var throttled = new SqsQueueProvisioner(sqs, new AwsRetry(TimeProvider.System, baseDelay: TimeSpan.Zero));

        var urls = await throttled.EnsureAsync(new SqsQueueSpec { Name = "jobs" }, CancellationToken.None);

        Assert.EndsWith("/jobs", urls.QueueUrl, StringComparison.Ordinal);
        Assert.Equal(["jobs-dead-letter", "jobs-dead-letter", "jobs-dead-letter", "jobs", "jobs-finished"], sqs.CallsOf("CreateQueue").Select(c => c.Name));
    }

    private async Task<Dictionary<string, string>> AttributesAsync(string url) =>
        (await clients.Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["All"] })).Attributes;
}
