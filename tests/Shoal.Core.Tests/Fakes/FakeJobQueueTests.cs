using Microsoft.Extensions.Time.Testing;
using Shoal.Core.Ports;

namespace Shoal.Core.Tests.Fakes;

/// <summary>The engine tests trust this fake's SQS semantics, so they are pinned down here.</summary>
public sealed class FakeJobQueueTests
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ManualSynchronizationContext context = new();
    private readonly FakeJobQueue queue;

    public FakeJobQueueTests() => queue = new FakeJobQueue(time);

    private Task<IReadOnlyList<QueueMessage>> Receive(TimeSpan wait, CancellationToken cancellationToken = default) =>
        context.Run(() => queue.ReceiveAsync(1, Visibility, wait, cancellationToken));

    private void Advance(TimeSpan by)
    {
        time.Advance(by);
        context.Pump();
    }

    [Fact]
    public async Task Received_message_is_hidden_for_its_visibility_then_returns_with_a_new_receipt()
    {
        var id = queue.Enqueue("body");

        var first = Assert.Single(await Receive(TimeSpan.Zero));
        Assert.Equal((id, "body", 1), (first.MessageId, first.Body, first.ReceiveCount));
        Assert.Empty(await Receive(TimeSpan.Zero));
        Assert.Equal(new QueueDepth(0, 1, 0), await queue.GetDepthAsync(CancellationToken.None));

        Advance(Visibility);
        var second = Assert.Single(await Receive(TimeSpan.Zero));
        Assert.Equal(2, second.ReceiveCount);
        Assert.NotEqual(first.ReceiptHandle, second.ReceiptHandle);

        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.ExtendAsync(first, Visibility, CancellationToken.None));
        await queue.CompleteAsync(first, "{}", CancellationToken.None);
        Assert.True(queue.Contains(id), "a delete with a stale receipt handle must not delete");
        await queue.CompleteAsync(second, "{}", CancellationToken.None);
        Assert.False(queue.Contains(id));
        Assert.Equal(2, queue.Finished.Count);
    }

    [Fact]
    public async Task Long_poll_returns_when_a_message_arrives()
    {
        var pending = Receive(TimeSpan.FromSeconds(20));
        Advance(TimeSpan.FromSeconds(5));
        Assert.False(pending.IsCompleted);

        queue.Enqueue("late");
        context.Pump();

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal("late", Assert.Single(await pending).Body);
    }

    [Fact]
    public async Task Long_poll_returns_empty_when_its_wait_elapses_on_the_fake_clock()
    {
        var pending = Receive(TimeSpan.FromSeconds(20));
        Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromTicks(1));
        Assert.False(pending.IsCompleted);

        Advance(TimeSpan.FromTicks(1));
        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Empty(await pending);
    }

    [Fact]
    public async Task Long_poll_wakes_when_a_released_message_becomes_visible()
    {
        queue.Enqueue("body");
        var message = Assert.Single(await Receive(TimeSpan.Zero));
        await queue.ReleaseAsync(message, TimeSpan.FromSeconds(8), CancellationToken.None);
        Assert.Equal(new QueueDepth(0, 0, 1), await queue.GetDepthAsync(CancellationToken.None));

        var pending = Receive(TimeSpan.FromSeconds(20));
        Advance(TimeSpan.FromSeconds(7));
        Assert.False(pending.IsCompleted);
        Advance(TimeSpan.FromSeconds(1));

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal(2, Assert.Single(await pending).ReceiveCount);
    }

    [Fact]
    public void Long_poll_is_cancellable()
    {
        using var cancel = new CancellationTokenSource();
        var pending = Receive(TimeSpan.FromSeconds(20), cancel.Token);

        cancel.Cancel();
        context.Pump();

        Assert.True(pending.IsCanceled);
    }

    [Fact]
    public async Task Scripted_faults_fail_the_named_operation_only_as_often_as_asked()
    {
        queue.Enqueue("body");
        queue.FailNext("receive", 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Receive(TimeSpan.Zero));
        var message = Assert.Single(await Receive(TimeSpan.Zero));
        queue.FailNext("dead-letter", 1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.DeadLetterAsync(message, "{}", CancellationToken.None));
        Assert.True(queue.Contains(message.MessageId));
        await queue.DeadLetterAsync(message, "{}", CancellationToken.None);
        Assert.Equal(["{}"], queue.DeadLetters);
    }
}
