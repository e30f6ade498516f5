using Microsoft.Extensions.Time.Testing;
using Shoal.Core.Ports;
using Shoal.Local.Queue;

namespace Shoal.Local.Tests.Queue;

public sealed class SqliteJobQueueTests : IDisposable
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongWait = TimeSpan.FromMinutes(10);
    // Real-time bound on awaiting a receive that must complete; fake time never reaches its wait.
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(10);

    private readonly TempDatabase _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _ct = CancellationToken.None;

    public void Dispose() => _db.Dispose();

    private SqliteJobQueue Open(string name = "jobs", int maxReceiveCount = SqliteJobQueue.DefaultMaxReceiveCount) =>
        new(_db.FilePath, name, _time, maxReceiveCount);

    private SqliteJobQueue OpenAsOtherProcess(string name = "jobs") =>
        new(_db.FilePath, name, _time, SqliteJobQueue.DefaultMaxReceiveCount, shareWithinProcess: false);

    private async Task<QueueMessage> ReceiveOneAsync(SqliteJobQueue queue, TimeSpan? visibility = null)
    {
        var messages = await queue.ReceiveAsync(1, visibility ?? Visibility, TimeSpan.Zero, _ct);
        return Assert.Single(messages);
    }

    [Fact]
    public async Task Received_message_is_invisible_until_its_visibility_runs_out_then_comes_back_with_a_new_handle()
    {
        await using var queue = Open();
        _time.Advance(TimeSpan.FromMilliseconds(7));
        var sentAt = _time.GetUtcNow();
        await queue.SendAsync("job-1", TimeSpan.Zero, _ct);

        var first = await ReceiveOneAsync(queue);
        Assert.Equal("job-1", first.Body);
        Assert.Equal(1, first.ReceiveCount);
        Assert.Equal(sentAt, first.SentAt);
        Assert.True(Guid.TryParse(first.MessageId, out _));

        Assert.Empty(await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, _ct));
        _time.Advance(Visibility - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, _ct));
        Assert.Equal(new QueueDepth(0, 1, 0), await queue.GetDepthAsync(_ct));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new QueueDepth(1, 0, 0), await queue.GetDepthAsync(_ct));
        var second = await ReceiveOneAsync(queue);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.ReceiveCount);
        Assert.NotEqual(first.ReceiptHandle, second.ReceiptHandle);
        Assert.Equal(sentAt, second.SentAt);
    }

    [Fact]
    public async Task Receive_delivers_oldest_visible_first_and_at_most_max()
    {
        await using var queue = Open();
        foreach (var body in new[] { "a", "b", "c" })
        {
            await queue.SendAsync(body, TimeSpan.Zero, _ct);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // "a" comes back later than "b" and "c": it now sorts after them.
        var a = await ReceiveOneAsync(queue);
        Assert.Equal("a", a.Body);
        await queue.ReleaseAsync(a, TimeSpan.FromMilliseconds(5), _ct);
        _time.Advance(TimeSpan.FromMilliseconds(5));

        var batch = await queue.ReceiveAsync(2, Visibility, TimeSpan.Zero, _ct);
        Assert.Equal(["b", "c"], batch.Select(m => m.Body));
        var last = await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, _ct);
        Assert.Equal(["a"], last.Select(m => m.Body));
        Assert.Equal(2, last[0].ReceiveCount);
    }

    [Fact]
    public async Task Messages_sent_at_the_same_instant_keep_send_order()
    {
        await using var queue = Open();
        for (var i = 0; i < 5; i++)
        {
            await queue.SendAsync($"m{i}", TimeSpan.Zero, _ct);
        }

        var batch = await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, _ct);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], batch.Select(m => m.Body));
    }

    [Fact]
    public async Task Stale_receipt_handle_is_a_silent_no_op_for_every_operation()
    {
        await using var queue = Open();
        await queue.SendAsync("job", TimeSpan.Zero, _ct);
        var stale = await ReceiveOneAsync(queue);
        _time.Advance(Visibility);
        var current = await ReceiveOneAsync(queue);

        await queue.ExtendAsync(stale, TimeSpan.FromHours(1), _ct);
        await queue.CompleteAsync(stale, "{\"stale\":true}", _ct);
        await queue.DeadLetterAsync(stale, "{\"stale\":true}", _ct);
        await queue.ReleaseAsync(stale, TimeSpan.Zero, _ct);

        // Still in flight under the current handle, with its own visibility (not the stale extend or release).
        Assert.Equal(new QueueDepth(0, 1, 0), await queue.GetDepthAsync(_ct));
        Assert.Equal(0, await queue.CountAsync(queue.FinishedQueueName));
        _time.Advance(Visibility);
        Assert.Equal(new QueueDepth(1, 0, 0), await queue.GetDepthAsync(_ct));

        await queue.CompleteAsync(current, "{\"ok\":true}", _ct);
        Assert.Equal(["{\"ok\":true}"], await queue.PeekAsync(queue.FinishedQueueName, 10));
        Assert.True((await queue.GetDepthAsync(_ct)).IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-handle")]
    [InlineData("0b8d9c1e-8d0c-4a57-9f0e-2f0c3c2b1a00")]
    [InlineData("0b8d9c1e-8d0c-4a57-9f0e-2f0c3c2b1a00:")]
    [InlineData("0b8d9c1e-8d0c-4a57-9f0e-2f0c3c2b1a00:0")]
    [InlineData("0b8d9c1e-8d0c-4a57-9f0e-2f0c3c2b1a00:-1")]
    [InlineData("0b8d9c1e-8d0c-4a57-9f0e-2f0c3c2b1a00:x")]
    [InlineData("nope:3")]
    public async Task Malformed_receipt_handle_throws_argument_exception(string handle)
    {
        await using var queue = Open();
        var message = new QueueMessage("0b8d9c1e-8d0c-4a57-9f0e-2f0c3c2b1a00", handle, "body", 1, _time.GetUtcNow());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => queue.CompleteAsync(message, "{}", _ct));
        Assert.Contains("receipt handle", error.Message, StringComparison.OrdinalIgnoreCase);
        await Assert.ThrowsAsync<ArgumentException>(() => queue.ExtendAsync(message, Visibility, _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => queue.ReleaseAsync(message, TimeSpan.Zero, _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => queue.DeadLetterAsync(message, "{}", _ct));
    }

    [Fact]
    public async Task Receipt_handle_of_another_message_throws_argument_exception()
    {
        await using var queue = Open();
        await queue.SendAsync("job", TimeSpan.Zero, _ct);
        var received = await ReceiveOneAsync(queue);

        await Assert.ThrowsAsync<ArgumentException>(
            () => queue.CompleteAsync(received with { MessageId = Guid.NewGuid().ToString() }, "{}", _ct));
        Assert.Equal(new QueueDepth(0, 1, 0), await queue.GetDepthAsync(_ct));
    }

    [Fact]
    public async Task Release_with_delay_counts_as_delayed_then_becomes_visible()
    {
        await using var queue = Open();
        await queue.SendAsync("job", TimeSpan.Zero, _ct);
        var message = await ReceiveOneAsync(queue);

        await queue.ReleaseAsync(message, TimeSpan.FromSeconds(10), _ct);
        Assert.Equal(new QueueDepth(0, 0, 1), await queue.GetDepthAsync(_ct));
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, _ct));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new QueueDepth(1, 0, 0), await queue.GetDepthAsync(_ct));
        var again = await ReceiveOneAsync(queue);
        Assert.Equal(2, again.ReceiveCount);
        Assert.Equal(new QueueDepth(0, 1, 0), await queue.GetDepthAsync(_ct));
    }

    [Fact]
    public async Task Release_without_delay_makes_the_message_visible_at_once()
    {
        await using var queue = Open();
        await queue.SendAsync("job", TimeSpan.Zero, _ct);
        var message = await ReceiveOneAsync(queue);

        await queue.ReleaseAsync(message, TimeSpan.Zero, _ct);

        Assert.Equal(new QueueDepth(1, 0, 0), await queue.GetDepthAsync(_ct));
        Assert.Equal(message.MessageId, (await ReceiveOneAsync(queue)).MessageId);
    }

    [Fact]
    public async Task Send_with_delay_is_delayed_until_due()
    {
        await using var queue = Open();
        await queue.SendAsync("later", TimeSpan.FromMinutes(1), _ct);

        Assert.Equal(new QueueDepth(0, 0, 1), await queue.GetDepthAsync(_ct));
        Assert.Empty(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, _ct));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("later", (await ReceiveOneAsync(queue)).Body);
    }

    [Fact]
    public async Task Extend_keeps_the_message_invisible_past_its_first_timeout()
    {
        await using var queue = Open();
        await queue.SendAsync("job", TimeSpan.Zero, _ct);
        var message = await ReceiveOneAsync(queue);

        _time.Advance(TimeSpan.FromSeconds(20));
        await queue.ExtendAsync(message, TimeSpan.FromSeconds(30), _ct);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, _ct));
        Assert.Equal(new QueueDepth(0, 1, 0), await queue.GetDepthAsync(_ct));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await ReceiveOneAsync(queue)).ReceiveCount);
    }

    [Fact]
    public async Task Complete_deletes_the_message_and_publishes_the_result_to_the_finished_queue()
    {
        await using var queue = Open();
        await queue.SendAsync("job", TimeSpan.Zero, _ct);
        var message = await ReceiveOneAsync(queue);

        await queue.CompleteAsync(message, "{\"status\":\"SUCCEEDED\"}", _ct);
        await queue.CompleteAsync(message, "{\"again\":true}", _ct);

        Assert.Equal(new QueueDepth(0, 0, 0, 0), await queue.GetDepthAsync(_ct));
        Assert.Equal("jobs-finished", queue.FinishedQueueName);
        Assert.Equal(["{\"status\":\"SUCCEEDED\"}"], await queue.PeekAsync("jobs-finished", 10));
        Assert.Equal(1, await queue.CountAsync("jobs-finished"));
        Assert.Equal(0, await queue.CountAsync("jobs"));
        _time.Advance(Visibility);
        Assert.Empty(await queue.ReceiveAsync(1, Visibility, TimeSpan.Zero, _ct));
    }

    [Fact]
    public async Task Dead_letter_deletes_the_message_and_publishes_the_result_to_the_dead_letter_queue()
    {
        await using var queue = Open();
        await queue.SendAsync("poison", TimeSpan.Zero, _ct);
        await queue.SendAsync("fine", TimeSpan.Zero, _ct);
        var message = await ReceiveOneAsync(queue);

        await queue.DeadLetterAsync(message, "{\"reason\":\"InvalidJob\"}", _ct);

        Assert.Equal(new QueueDepth(1, 0, 0, 1), await queue.GetDepthAsync(_ct));
        Assert.Equal("jobs-dead-letter", queue.DeadLetterQueueName);
        Assert.Equal(["{\"reason\":\"InvalidJob\"}"], await queue.PeekAsync("jobs-dead-letter", 10));
        Assert.Equal(0, await queue.CountAsync("jobs-finished"));
        Assert.Equal("fine", (await ReceiveOneAsync(queue)).Body);
    }

    [Fact]
    public async Task Message_received_more_than_max_receive_count_is_redriven_instead_of_delivered()
    {
        await using var queue = Open(maxReceiveCount: 2);
        await queue.SendAsync("flaky", TimeSpan.Zero, _ct);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await queue.SendAsync("next", TimeSpan.Zero, _ct);

        Assert.Equal(1, (await ReceiveOneAsync(queue)).ReceiveCount);
        _time.Advance(Visibility);
        // "next" was never received and is older-visible now; take it out of the way first.
        var next = await queue.ReceiveAsync(2, Visibility, TimeSpan.Zero, _ct);
        Assert.Equal(["flaky", "next"], next.Select(m => m.Body).Order());
        Assert.Equal(2, next.Single(m => m.Body == "flaky").ReceiveCount);
        _time.Advance(Visibility);

        var third = await queue.ReceiveAsync(10, Visibility, TimeSpan.Zero, _ct);

        Assert.Equal(["next"], third.Select(m => m.Body));
        Assert.Equal(["flaky"], await queue.PeekAsync(queue.DeadLetterQueueName, 10));
        Assert.Equal(new QueueDepth(0, 1, 0, 1), await queue.GetDepthAsync(_ct));
    }

    [Fact]
    public async Task Queues_in_the_same_file_are_separate()
    {
        await using var a = Open("a");
        await using var b = Open("b");
        await a.SendAsync("for-a", TimeSpan.Zero, _ct);

        Assert.Empty(await b.ReceiveAsync(10, Visibility, TimeSpan.Zero, _ct));
        Assert.Equal(new QueueDepth(0, 0, 0), await b.GetDepthAsync(_ct));
        Assert.Equal("for-a", (await ReceiveOneAsync(a)).Body);
    }

    [Fact]
    public async Task Long_poll_is_woken_by_a_send_from_another_instance_on_the_same_file()
    {
        await using var receiver = Open();
        await using var sender = Open();
        var before = _time.GetUtcNow();

        var receive = Task.Run(() => receiver.ReceiveAsync(1, Visibility, LongWait, _ct));
        await TempDatabase.WaitUntilAsync(() => receiver.WaitingReceivers > 0);
        Assert.False(receive.IsCompleted);
        await sender.SendAsync("wake", TimeSpan.Zero, _ct);

        var messages = await receive.WaitAsync(Safety);
        Assert.Equal("wake", Assert.Single(messages).Body);
        Assert.Equal(before, _time.GetUtcNow());
    }

    [Fact]
    public async Task Long_poll_is_woken_by_a_release()
    {
        await using var queue = Open();
        await queue.SendAsync("job", TimeSpan.Zero, _ct);
        var held = await ReceiveOneAsync(queue);

        var receive = Task.Run(() => queue.ReceiveAsync(1, Visibility, LongWait, _ct));
        await TempDatabase.WaitUntilAsync(() => queue.WaitingReceivers > 0);
        await queue.ReleaseAsync(held, TimeSpan.Zero, _ct);

        var messages = await receive.WaitAsync(Safety);
        Assert.Equal(2, Assert.Single(messages).ReceiveCount);
    }

    [Fact]
    public async Task Long_poll_sees_a_send_from_another_process_on_its_periodic_recheck()
    {
        await using var receiver = Open();
        await using var otherProcess = OpenAsOtherProcess();

        var receive = Task.Run(() => receiver.ReceiveAsync(1, Visibility, LongWait, _ct));
        await TempDatabase.WaitUntilAsync(() => receiver.WaitingReceivers > 0);
        await otherProcess.SendAsync("from-cli", TimeSpan.Zero, _ct);
        Assert.Equal(1, receiver.WaitingReceivers);

        _time.Advance(SqliteJobQueue.RecheckInterval);

        var messages = await receive.WaitAsync(Safety);
        Assert.Equal("from-cli", Assert.Single(messages).Body);
        // And the other process sees the receive: the message is in flight for it too.
        Assert.Equal(new QueueDepth(0, 1, 0), await otherProcess.GetDepthAsync(_ct));
        Assert.Empty(await otherProcess.ReceiveAsync(1, Visibility, TimeSpan.Zero, _ct));
    }

    [Fact]
    public async Task Long_poll_sees_an_expired_visibility_on_its_periodic_recheck()
    {
        await using var queue = Open();
        await queue.SendAsync("job", TimeSpan.Zero, _ct);
        await ReceiveOneAsync(queue, TimeSpan.FromMilliseconds(150));

        var receive = Task.Run(() => queue.ReceiveAsync(1, Visibility, LongWait, _ct));
        await TempDatabase.WaitUntilAsync(() => queue.WaitingReceivers > 0);
        _time.Advance(SqliteJobQueue.RecheckInterval);

        var messages = await receive.WaitAsync(Safety);
        Assert.Equal(2, Assert.Single(messages).ReceiveCount);
    }

    [Fact]
    public async Task Long_poll_returns_empty_once_its_wait_has_passed()
    {
        await using var queue = Open();
        var wait = TimeSpan.FromMilliseconds(500);

        var receive = Task.Run(() => queue.ReceiveAsync(1, Visibility, wait, _ct));
        await TempDatabase.WaitUntilAsync(() => queue.Parks > 0);
        var advanced = TimeSpan.Zero;
        // No message can arrive, so only fake time ends the wait. Each advance of a full recheck interval
        // fires the parked receive's timer; it then either parks again or returns.
        while (true)
        {
            var parks = queue.Parks;
            _time.Advance(SqliteJobQueue.RecheckInterval);
            advanced += SqliteJobQueue.RecheckInterval;
            await TempDatabase.WaitUntilAsync(() => receive.IsCompleted || queue.Parks > parks);
            if (receive.IsCompleted)
            {
                break;
            }

            Assert.True(advanced < wait, $"receive still waiting {advanced} into a wait of {wait}");
        }

        Assert.Empty(await receive);
        Assert.True(advanced >= wait, $"receive returned after {advanced}, before its wait of {wait}");
    }

    [Fact]
    public async Task Long_poll_stops_when_cancelled()
    {
        await using var queue = Open();
        using var cancel = new CancellationTokenSource();

        var receive = Task.Run(() => queue.ReceiveAsync(1, Visibility, LongWait, cancel.Token));
        await TempDatabase.WaitUntilAsync(() => queue.WaitingReceivers > 0);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive.WaitAsync(Safety));
    }

    [Fact]
    public async Task State_survives_closing_and_reopening_the_file()
    {
        string inFlightId;
        await using (var queue = Open())
        {
            await queue.SendAsync("done", TimeSpan.Zero, _ct);
            await queue.SendAsync("in-flight", TimeSpan.Zero, _ct);
            await queue.SendAsync("delayed", TimeSpan.FromMinutes(5), _ct);
            await queue.CompleteAsync(await ReceiveOneAsync(queue), "{\"job\":\"done\"}", _ct);
            inFlightId = (await ReceiveOneAsync(queue)).MessageId;
        }

        await using (var reopened = Open())
        {
            Assert.Equal(new QueueDepth(0, 1, 1), await reopened.GetDepthAsync(_ct));
            Assert.Equal(["{\"job\":\"done\"}"], await reopened.PeekAsync(reopened.FinishedQueueName, 10));
            _time.Advance(Visibility);
            var back = await ReceiveOneAsync(reopened);
            Assert.Equal(inFlightId, back.MessageId);
            Assert.Equal(2, back.ReceiveCount);
        }
    }

    [Fact]
    public async Task Two_processes_on_one_file_never_deliver_a_message_twice()
    {
        await using var one = Open();
        await using var two = OpenAsOtherProcess();
        for (var i = 0; i < 40; i++)
        {
            await (i % 2 == 0 ? one : two).SendAsync($"m{i}", TimeSpan.Zero, _ct);
        }

        var receivers = new[] { one, two }.Select(queue => Task.Run(async () =>
        {
            var bodies = new List<string>();
            while (true)
            {
                var batch = await queue.ReceiveAsync(3, Visibility, TimeSpan.Zero, _ct);
                if (batch.Count == 0)
                {
                    return bodies;
                }

                foreach (var message in batch)
                {
                    bodies.Add(message.Body);
                    await queue.CompleteAsync(message, message.Body, _ct);
                }
            }
        }));
        var received = (await Task.WhenAll(receivers)).SelectMany(b => b).ToList();

        Assert.Equal(40, received.Count);
        Assert.Equal(40, received.Distinct().Count());
        Assert.Equal(40, await one.CountAsync(one.FinishedQueueName));
        Assert.True((await two.GetDepthAsync(_ct)).IsEmpty);
    }

    [Fact]
    public async Task Disposed_queue_refuses_calls_and_leaves_other_instances_working()
    {
        var closed = Open();
        await using var open = Open();
        await closed.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => closed.SendAsync("x", TimeSpan.Zero, _ct));
        await open.SendAsync("y", TimeSpan.Zero, _ct);
        Assert.Equal("y", (await ReceiveOneAsync(open)).Body);
    }
}
