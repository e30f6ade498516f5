using System.Diagnostics;
using Amazon.SQS.Model;
using Shoal.Aws.Errors;
using Shoal.Aws.Queue;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Queue;

/// <summary>
/// The queue against moto's SQS (real visibility, long polling, redrive and counts). Timing tests
/// use short real waits and poll with deadlines; moto cannot fake its clock.
/// </summary>
public sealed class SqsJobQueueMotoTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private AwsClients clients = null!;
    private SqsApi api = null!;
    private AwsRetry retry = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        clients = moto.NewClients();
        api = new SqsApi(clients.Sqs);
        retry = new AwsRetry(TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        clients.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_sent_message_is_received_with_its_receive_count_and_sent_time()
    {
        var queue = await QueueAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);

        await queue.SendAsync("{\"job_id\":\"a\"}", TimeSpan.Zero, CancellationToken.None);
        var message = Assert.Single(await queue.ReceiveAsync(10, Lease, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Equal("{\"job_id\":\"a\"}", message.Body);
        Assert.Equal(1, message.ReceiveCount);
        Assert.InRange(message.SentAt, before, DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.False(string.IsNullOrEmpty(message.ReceiptHandle));
    }

    [Fact]
    public async Task A_received_message_is_hidden_for_its_visibility_then_comes_back()
    {
        var queue = await QueueAsync();
        await queue.SendAsync("x", TimeSpan.Zero, CancellationToken.None);

        Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1), TimeSpan.Zero, CancellationToken.None));
        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1), TimeSpan.Zero, CancellationToken.None));

        var again = await ReceiveWithinAsync(queue, TimeSpan.FromSeconds(10));
        Assert.Equal(2, again.ReceiveCount);
    }

    [Fact]
    public async Task A_long_poll_wakes_as_soon_as_a_message_arrives()
    {
        var queue = await QueueAsync();
        var clock = Stopwatch.StartNew();

        var receive = queue.ReceiveAsync(1, Lease, TimeSpan.FromSeconds(10), CancellationToken.None);
        await queue.SendAsync("late", TimeSpan.Zero, CancellationToken.None);

        Assert.Equal("late", Assert.Single(await receive).Body);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"the long poll took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_long_poll_of_an_empty_queue_waits_then_returns_nothing()
    {
        var queue = await QueueAsync();
        var clock = Stopwatch.StartNew();

        Assert.Empty(await queue.ReceiveAsync(1, Lease, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"returned after {clock.Elapsed}: not a long poll");
    }

    [Fact]
    public async Task Extend_keeps_the_message_hidden_past_its_first_visibility()
    {
        var queue = await QueueAsync();
        await queue.SendAsync("x", TimeSpan.Zero, CancellationToken.None);
        var message = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1), TimeSpan.Zero, CancellationToken.None));

        await queue.ExtendAsync(message, TimeSpan.FromSeconds(60), CancellationToken.None);

        // Long polls until well past the first 1 s visibility: none may see the message.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            Assert.Empty(await queue.ReceiveAsync(1, Lease, TimeSpan.FromSeconds(1), CancellationToken.None));
        }
        Assert.Equal(new QueueDepth(0, 1, 0), await queue.GetDepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Release_with_a_delay_hides_the_message_for_that_long()
    {
        var queue = await QueueAsync();
        await queue.SendAsync("x", TimeSpan.Zero, CancellationToken.None);
        var message = Assert.Single(await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, CancellationToken.None));
        var clock = Stopwatch.StartNew();

        await queue.ReleaseAsync(message, TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.Empty(await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, CancellationToken.None));

        var again = await ReceiveWithinAsync(queue, TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"visible again after {clock.Elapsed}");
        Assert.Equal(2, again.ReceiveCount);
    }

    [Fact]
    public async Task Release_without_a_delay_makes_the_message_visible_at_once()
    {
        var queue = await QueueAsync();
        await queue.SendAsync("x", TimeSpan.Zero, CancellationToken.None);
        var message = Assert.Single(await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, CancellationToken.None));

        await queue.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None);

        Assert.Single(await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task Complete_puts_the_record_on_the_finished_queue_and_deletes_the_message()
    {
        var queue = await QueueAsync();
        await queue.SendAsync("{\"job_id\":\"a\"}", TimeSpan.Zero, CancellationToken.None);
        var message = Assert.Single(await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, CancellationToken.None));

        await queue.CompleteAsync(message, "{\"job_id\":\"a\",\"status\":\"SUCCEEDED\"}", CancellationToken.None);

        Assert.Equal(["{\"job_id\":\"a\",\"status\":\"SUCCEEDED\"}"], await BodiesAsync(queue.Urls.FinishedUrl!));
        Assert.Equal(new QueueDepth(0, 0, 0, 0), await queue.GetDepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Dead_letter_moves_the_record_to_the_dead_letter_queue_and_deletes_the_message()
    {
        var queue = await QueueAsync();
        await queue.SendAsync("not json", TimeSpan.Zero, CancellationToken.None);
        var message = Assert.Single(await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, CancellationToken.None));

        await queue.DeadLetterAsync(message, "{\"job_id\":\"invalid-1\",\"reason\":\"InvalidJob\"}", CancellationToken.None);

        Assert.Equal(new QueueDepth(0, 0, 0, 1), await queue.GetDepthAsync(CancellationToken.None));
        Assert.Equal(["{\"job_id\":\"invalid-1\",\"reason\":\"InvalidJob\"}"], await BodiesAsync(queue.Urls.DeadLetterUrl));
        Assert.Empty(await BodiesAsync(queue.Urls.FinishedUrl!));
    }

    [Fact]
    public async Task What_Shoal_sends_is_marked_as_registered_by_its_sender_and_a_plain_send_is_not()
    {
        var queue = await QueueAsync();
        await queue.SendAsync("{\"job_id\":\"ours\"}", TimeSpan.Zero, CancellationToken.None);
        await api.SendMessageAsync(queue.Urls.QueueUrl, "{\"job_id\":\"theirs\"}", 0, null, CancellationToken.None);

        var received = await queue.ReceiveAsync(10, Lease, TimeSpan.FromSeconds(1), CancellationToken.None);
        while (received.Count < 2)
        {
            received = [.. received, .. await queue.ReceiveAsync(10, Lease, TimeSpan.FromSeconds(1), CancellationToken.None)];
        }

        Assert.True(received.Single(m => m.Body.Contains("ours", StringComparison.Ordinal)).SenderRegisters);
        Assert.False(received.Single(m => m.Body.Contains("theirs", StringComparison.Ordinal)).SenderRegisters);
    }

    [Fact]
    public async Task Depth_counts_visible_in_flight_and_delayed_messages()
    {
        var queue = await QueueAsync();
        await queue.SendAsync("a", TimeSpan.Zero, CancellationToken.None);
        await queue.SendAsync("b", TimeSpan.Zero, CancellationToken.None);
        await queue.SendAsync("later", TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Single(await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, CancellationToken.None));

        var depth = await queue.GetDepthAsync(CancellationToken.None);
        Assert.Equal(new QueueDepth(1, 1, 1, 0), depth);
        Assert.False(depth.IsEmpty);
    }

    [Fact]
    public async Task SQS_redrives_a_message_to_the_dead_letter_queue_after_max_receive_count()
    {
        var queue = await QueueAsync(new SqsQueueSpec { Name = "redrive", MaxReceiveCount = 2 });
        await queue.SendAsync("poison", TimeSpan.Zero, CancellationToken.None);

        for (var i = 1; i <= 2; i++)
        {
            var message = Assert.Single(await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, CancellationToken.None));
            Assert.Equal(i, message.ReceiveCount);
            await queue.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None);
        }

        Assert.Empty(await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(new QueueDepth(0, 0, 0, 1), await queue.GetDepthAsync(CancellationToken.None));
        Assert.Equal(["poison"], await BodiesAsync(queue.Urls.DeadLetterUrl));
    }

    [Fact]
    public async Task A_stale_receipt_handle_is_a_no_op()
    {
        var queue = await QueueAsync();
        await queue.SendAsync("x", TimeSpan.Zero, CancellationToken.None);
        var message = Assert.Single(await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, CancellationToken.None));
        await queue.DeadLetterAsync(message, "{\"n\":1}", CancellationToken.None);

        // The message is gone: moto answers ReceiptHandleIsInvalid to a visibility change, as SQS does.
        var direct = await Record.ExceptionAsync(() => api.ChangeMessageVisibilityAsync(queue.Urls.QueueUrl, message.ReceiptHandle, 10, CancellationToken.None));
        Assert.Equal(AwsErrorKind.NotFound, AwsErrorClassifier.Classify(direct!));

        await queue.ExtendAsync(message, Lease, CancellationToken.None);
        await queue.ReleaseAsync(message, TimeSpan.FromSeconds(5), CancellationToken.None);
        await queue.ReleaseAsync(message with { ReceiptHandle = "garbage" }, TimeSpan.Zero, CancellationToken.None);
        await queue.DeadLetterAsync(message, "{\"n\":2}", CancellationToken.None);

        Assert.Equal(new QueueDepth(0, 0, 0, 2), await queue.GetDepthAsync(CancellationToken.None));
    }

    private async Task<SqsJobQueue> QueueAsync(SqsQueueSpec? spec = null)
    {
        var urls = await new SqsQueueProvisioner(api, retry).EnsureAsync(spec ?? new SqsQueueSpec { Name = "jobs" }, CancellationToken.None);
        return new SqsJobQueue(api, urls, retry, TimeProvider.System);
    }

    private static async Task<QueueMessage> ReceiveWithinAsync(SqsJobQueue queue, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            var received = await queue.ReceiveAsync(1, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1), CancellationToken.None);
            if (received.Count > 0)
            {
                return received[0];
            }
        }

        throw new TimeoutException($"no message came back within {deadline}");
    }

    private async Task<List<string>> BodiesAsync(string queueUrl)
    {
        var response = await clients.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 0 });
        return response.Messages?.Select(m => m.Body).ToList() ?? [];
    }
}
