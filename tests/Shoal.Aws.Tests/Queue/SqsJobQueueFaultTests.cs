using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Errors;
using Shoal.Aws.Queue;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Queue;

/// <summary>
/// What moto cannot show: throttling, denied access, stale-handle errors as real SQS words them, the
/// 12-hour ceiling, and exactly which parameters reach SQS. A scripted fake stands in for SQS here.
/// </summary>
public sealed class SqsJobQueueFaultTests
{
    private const string QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs";
    private const string DeadLetterUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dead-letter";
    private const string FinishedUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-finished";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeSqsApi sqs = new();
    private readonly AwsRetry retry;
    private readonly SqsJobQueue queue;

    public SqsJobQueueFaultTests()
    {
        // No backoff: the retry path is what is under test, not the jitter.
        retry = new AwsRetry(time, maxAttempts: 5, baseDelay: TimeSpan.Zero, random: new Random(1));
        queue = new SqsJobQueue(sqs, new SqsQueueUrls("jobs", QueueUrl, DeadLetterUrl, FinishedUrl), retry, time);
    }

    [Fact]
    public async Task Receive_asks_within_SQS_limits()
    {
        await queue.ReceiveAsync(50, TimeSpan.FromHours(20), TimeSpan.FromMinutes(1), CancellationToken.None);
        await queue.ReceiveAsync(1, TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(300), CancellationToken.None);
        await queue.ReceiveAsync(3, TimeSpan.Zero, TimeSpan.Zero, CancellationToken.None);

        var receives = sqs.CallsOf("ReceiveMessages");
        Assert.Equal(new SqsCall("ReceiveMessages", QueueUrl, Seconds: 43_200, Max: 10, Wait: 20), receives[0]);
        // Rounded up: a short wait stays a (long) poll and a positive visibility never becomes zero.
        Assert.Equal(new SqsCall("ReceiveMessages", QueueUrl, Seconds: 2, Max: 1, Wait: 1), receives[1]);
        Assert.Equal(new SqsCall("ReceiveMessages", QueueUrl, Seconds: 0, Max: 3, Wait: 0), receives[2]);
    }

    [Fact]
    public async Task Received_messages_keep_their_receive_count_and_sent_time()
    {
        var sent = time.GetUtcNow().AddMinutes(-5);
        sqs.EnqueueReceive(new SqsMessage("m1", "h1", "{}", 3, sent), new SqsMessage("m2", "h2", "[]", 1, null));

        var received = await queue.ReceiveAsync(10, TimeSpan.FromMinutes(2), TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(new QueueMessage("m1", "h1", "{}", 3, sent), received[0]);
        Assert.Equal(new QueueMessage("m2", "h2", "[]", 1, time.GetUtcNow()), received[1]);
    }

    [Fact]
    public async Task Throttling_is_retried_until_it_succeeds()
    {
        sqs.Fail("ReceiveMessages", 2, AwsErrors.Throttled);
        sqs.EnqueueReceive(new SqsMessage("m1", "h1", "{}", 1, null));

        var received = await queue.ReceiveAsync(1, TimeSpan.FromMinutes(2), TimeSpan.Zero, CancellationToken.None);

        Assert.Single(received);
        Assert.Equal(3, sqs.CallsOf("ReceiveMessages").Count);
        Assert.Equal(2, retry.Retries);
    }

    [Fact]
    public async Task Retries_of_throttling_are_bounded()
    {
        sqs.Fail("SendMessage", 100, AwsErrors.Throttled);

        var error = await Assert.ThrowsAsync<AmazonServiceException>(() => queue.SendAsync("{}", TimeSpan.Zero, CancellationToken.None));

        Assert.Equal(AwsErrorKind.Throttled, AwsErrorClassifier.Classify(error));
        Assert.Equal(5, sqs.CallsOf("SendMessage").Count);
    }

    [Fact]
    public async Task Access_denied_surfaces_at_once_and_is_not_retried()
    {
        sqs.Fail("ReceiveMessages", 1, AwsErrors.AccessDenied);

        var error = await Assert.ThrowsAsync<AmazonServiceException>(() => queue.ReceiveAsync(1, TimeSpan.FromMinutes(2), TimeSpan.Zero, CancellationToken.None));

        Assert.Equal(AwsErrorKind.Unauthorized, AwsErrorClassifier.Classify(error));
        Assert.Contains("not authorized to perform: sqs:ReceiveMessage", error.Message, StringComparison.Ordinal);
        Assert.Single(sqs.CallsOf("ReceiveMessages"));
    }

    [Fact]
    public async Task Extend_and_release_change_visibility_of_the_message()
    {
        var message = await ReceiveOneAsync();

        await queue.ExtendAsync(message, TimeSpan.FromMinutes(2), CancellationToken.None);
        await queue.ReleaseAsync(message, TimeSpan.FromSeconds(4), CancellationToken.None);

        Assert.Equal(
            [new SqsCall("ChangeMessageVisibility", QueueUrl, "h1", Seconds: 120), new SqsCall("ChangeMessageVisibility", QueueUrl, "h1", Seconds: 4)],
            sqs.CallsOf("ChangeMessageVisibility"));
    }

    [Fact]
    public async Task Heartbeats_stop_at_the_12_hour_ceiling_and_leave_the_job_to_the_ledger_lease()
    {
        var message = await ReceiveOneAsync();

        time.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(50));
        await queue.ExtendAsync(message, TimeSpan.FromMinutes(2), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        await queue.ExtendAsync(message, TimeSpan.FromMinutes(2), CancellationToken.None);

        // Asking past the ceiling would be refused by SQS on every heartbeat; the first is cut to what is left.
        var change = Assert.Single(sqs.CallsOf("ChangeMessageVisibility"));
        Assert.InRange(change.Seconds!.Value, 1, 50);
    }

    [Fact]
    public async Task A_release_past_the_ceiling_comes_back_at_the_ceiling()
    {
        var message = await ReceiveOneAsync();
        time.Advance(TimeSpan.FromHours(11));

        await queue.ReleaseAsync(message, TimeSpan.FromHours(11), CancellationToken.None);

        var change = Assert.Single(sqs.CallsOf("ChangeMessageVisibility"));
        Assert.InRange(change.Seconds!.Value, 3500, 3600);
    }

    [Theory]
    [InlineData("moto")]
    [InlineData("real")]
    [InlineData("gone")]
    public async Task A_stale_receipt_handle_is_a_no_op(string variant)
    {
        var message = await ReceiveOneAsync();
        Func<Exception> stale = variant switch
        {
            "moto" => AwsErrors.ReceiptHandleIsInvalid,
            "real" => AwsErrors.StaleHandleOnRealSqs,
            _ => () => new AmazonServiceException("not in flight") { ErrorCode = "AWS.SimpleQueueService.MessageNotInflight" },
        };
        sqs.Fail("ChangeMessageVisibility", 2, stale);
        sqs.Fail("DeleteMessage", 1, stale);

        await queue.ExtendAsync(message, TimeSpan.FromMinutes(2), CancellationToken.None);
        await queue.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None);
        await queue.CompleteAsync(message, "{\"job_id\":\"a\"}", CancellationToken.None);

        Assert.Equal(2, sqs.CallsOf("ChangeMessageVisibility").Count);
        Assert.Single(sqs.CallsOf("DeleteMessage"));
    }

    [Fact]
    public async Task Other_errors_of_a_visibility_change_are_not_swallowed()
    {
        var message = await ReceiveOneAsync();
        sqs.Fail("ChangeMessageVisibility", 1, AwsErrors.InvalidParameter);

        await Assert.ThrowsAsync<AmazonServiceException>(() => queue.ExtendAsync(message, TimeSpan.FromMinutes(2), CancellationToken.None));
    }

    [Fact]
    public async Task Complete_publishes_the_result_before_it_deletes_the_message()
    {
        var message = await ReceiveOneAsync();

        await queue.CompleteAsync(message, "{\"job_id\":\"a\",\"status\":\"SUCCEEDED\"}", CancellationToken.None);

        Assert.Equal(
            [new SqsCall("SendMessage", FinishedUrl, Body: "{\"job_id\":\"a\",\"status\":\"SUCCEEDED\"}", Seconds: 0), new SqsCall("DeleteMessage", QueueUrl, "h1")],
            sqs.Calls.Where(c => c.Operation is "SendMessage" or "DeleteMessage"));
    }

    [Fact]
    public async Task When_publishing_fails_the_message_is_kept()
    {
        var message = await ReceiveOneAsync();
        sqs.Fail("SendMessage", 1, AwsErrors.AccessDenied);

        await Assert.ThrowsAsync<AmazonServiceException>(() => queue.DeadLetterAsync(message, "{}", CancellationToken.None));

        Assert.Equal(DeadLetterUrl, Assert.Single(sqs.CallsOf("SendMessage")).QueueUrl);
        Assert.Empty(sqs.CallsOf("DeleteMessage"));
    }

    [Fact]
    public async Task Without_a_finished_queue_complete_only_deletes()
    {
        var bare = new SqsJobQueue(sqs, new SqsQueueUrls("jobs", QueueUrl, DeadLetterUrl, null), retry, time);
        sqs.EnqueueReceive(new SqsMessage("m1", "h1", "{}", 1, null));
        var message = Assert.Single(await bare.ReceiveAsync(1, TimeSpan.FromMinutes(2), TimeSpan.Zero, CancellationToken.None));

        await bare.CompleteAsync(message, "{}", CancellationToken.None);

        Assert.Empty(sqs.CallsOf("SendMessage"));
        Assert.Single(sqs.CallsOf("DeleteMessage"));
    }

    [Fact]
    public async Task Depth_adds_up_the_dead_letter_queue()
    {
        sqs.Attributes[QueueUrl] = new(StringComparer.Ordinal)
        {
            ["ApproximateNumberOfMessages"] = "7", ["ApproximateNumberOfMessagesNotVisible"] = "3", ["ApproximateNumberOfMessagesDelayed"] = "2",
        };
        sqs.Attributes[DeadLetterUrl] = new(StringComparer.Ordinal)
        {
            ["ApproximateNumberOfMessages"] = "4", ["ApproximateNumberOfMessagesNotVisible"] = "1", ["ApproximateNumberOfMessagesDelayed"] = "0",
        };

        Assert.Equal(new QueueDepth(7, 3, 2, 5), await queue.GetDepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_dead_letter_count_is_read_at_most_once_a_minute_and_the_job_queue_every_time()
    {
        sqs.Attributes[QueueUrl] = new(StringComparer.Ordinal) { ["ApproximateNumberOfMessages"] = "1" };
        sqs.Attributes[DeadLetterUrl] = new(StringComparer.Ordinal) { ["ApproximateNumberOfMessages"] = "4" };
        Assert.Equal(new QueueDepth(1, 0, 0, 4), await queue.GetDepthAsync(CancellationToken.None));

        sqs.Attributes[QueueUrl] = new(StringComparer.Ordinal) { ["ApproximateNumberOfMessages"] = "2" };
        sqs.Attributes[DeadLetterUrl] = new(StringComparer.Ordinal) { ["ApproximateNumberOfMessages"] = "5" };
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(new QueueDepth(2, 0, 0, 4), await queue.GetDepthAsync(CancellationToken.None));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new QueueDepth(2, 0, 0, 5), await queue.GetDepthAsync(CancellationToken.None));
        Assert.Equal(3, sqs.CallsOf("GetQueueAttributes").Count(c => c.QueueUrl == QueueUrl));
        Assert.Equal(2, sqs.CallsOf("GetQueueAttributes").Count(c => c.QueueUrl == DeadLetterUrl));
    }

    [Fact]
    public async Task Send_delays_are_rounded_up_and_limited_to_15_minutes()
    {
        await queue.SendAsync("{}", TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(1, Assert.Single(sqs.CallsOf("SendMessage")).Seconds);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.SendAsync("{}", TimeSpan.FromMinutes(16), CancellationToken.None));
    }

    private async Task<QueueMessage> ReceiveOneAsync()
    {
        sqs.EnqueueReceive(new SqsMessage("m1", "h1", "{}", 1, null));
        return Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromMinutes(2), TimeSpan.Zero, CancellationToken.None));
    }
}
