using Microsoft.Extensions.Time.Testing;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Tests.Runtime;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private readonly FakeTimeProvider time = new();

    [Fact]
    public async Task A_key_added_many_times_while_waiting_is_handed_out_once()
    {
        var queue = new WorkQueue<string>(time);

        queue.Add("a");
        queue.Add("b");
        queue.Add("a");
        queue.Add("a");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("b", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_out_again_until_done()
    {
        var queue = new WorkQueue<string>(time);
        queue.Add("a");
        var first = await queue.TakeAsync(CancellationToken.None);

        queue.Add("a");
        var second = queue.TakeAsync(CancellationToken.None).AsTask();

        Assert.Equal("a", first);
        Assert.Equal(0, queue.Count);
        Assert.False(second.IsCompleted);

        queue.Done("a");

        Assert.Equal("a", await second.Within());
    }

    [Fact]
    public async Task Adds_during_processing_are_merged_into_one_requeue_on_done()
    {
        var queue = new WorkQueue<string>(time);
        queue.Add("a");
        await queue.TakeAsync(CancellationToken.None);

        queue.Add("a");
        queue.Add("a");
        queue.Add("a");
        queue.Done("a");

        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
        queue.Done("a");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Done_without_a_new_add_does_not_requeue()
    {
        var queue = new WorkQueue<string>(time);
        queue.Add("a");
        await queue.TakeAsync(CancellationToken.None);

        queue.Done("a");

        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_waiting_take_gets_the_next_added_key()
    {
        var queue = new WorkQueue<string>(time);
        var take = queue.TakeAsync(CancellationToken.None).AsTask();
        Assert.False(take.IsCompleted);

        queue.Add("a");

        Assert.Equal("a", await take.Within());
        Assert.Equal(0, queue.Count);

        // It was handed out as processing: adding it again waits for Done.
        queue.Add("a");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void AddAfter_makes_the_key_ready_exactly_when_its_delay_has_passed()
    {
        var queue = new WorkQueue<string>(time);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        Assert.Equal(0, queue.Count);

        time.Advance(TimeSpan.FromSeconds(10) - Tick);
        Assert.Equal(0, queue.Count);

        time.Advance(Tick);
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void AddAfter_with_no_delay_adds_at_once()
    {
        var queue = new WorkQueue<string>(time);

        queue.AddAfter("a", TimeSpan.Zero);

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task Of_two_pending_delays_for_a_key_the_earlier_wins_and_the_later_is_dropped()
    {
        var queue = new WorkQueue<string>(time);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1, queue.Count);
        await queue.TakeAsync(CancellationToken.None);
        queue.Done("a");

        time.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_later_delay_does_not_postpone_a_pending_earlier_one()
    {
        var queue = new WorkQueue<string>(time);

        queue.AddAfter("a", TimeSpan.FromSeconds(2));
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task Delayed_keys_become_ready_in_the_order_of_their_times()
    {
        var queue = new WorkQueue<string>(time);
        queue.AddAfter("a", TimeSpan.FromSeconds(3));
        queue.AddAfter("b", TimeSpan.FromSeconds(1));
        queue.AddAfter("c", TimeSpan.FromSeconds(2));

        var order = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(1, queue.Count);
            order.Add(await queue.TakeAsync(CancellationToken.None));
        }

        Assert.Equal(["b", "c", "a"], order);
    }

    [Fact]
    public async Task Rate_limited_adds_double_the_delay_per_failure_up_to_the_cap()
    {
        var queue = new WorkQueue<string>(time, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40));

        foreach (var ms in new[] { 5, 10, 20, 40, 40, 40 })
        {
            queue.AddRateLimited("a");
            await AssertReadyAfter(queue, "a", TimeSpan.FromMilliseconds(ms));
        }

        Assert.Equal(6, queue.NumRequeues("a"));
    }

    [Fact]
    public async Task The_default_backoff_starts_at_5_ms_and_is_capped_at_5_minutes()
    {
        var queue = new WorkQueue<string>(time);

        queue.AddRateLimited("a");
        await AssertReadyAfter(queue, "a", TimeSpan.FromMilliseconds(5));

        // 5 ms x 2^15 is 164 s, x 2^16 would be 328 s: capped at 300 s from there on.
        for (var i = 1; i <= 15; i++)
        {
            queue.AddRateLimited("a");
            await AssertReadyAfter(queue, "a", TimeSpan.FromMilliseconds(5 << i));
        }

        queue.AddRateLimited("a");
        await AssertReadyAfter(queue, "a", TimeSpan.FromMinutes(5));
        queue.AddRateLimited("a");
        await AssertReadyAfter(queue, "a", TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Failures_are_counted_per_key()
    {
        var queue = new WorkQueue<string>(time, TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1));
        queue.AddRateLimited("a");
        await AssertReadyAfter(queue, "a", TimeSpan.FromMilliseconds(5));
        queue.AddRateLimited("a");
        await AssertReadyAfter(queue, "a", TimeSpan.FromMilliseconds(10));

        queue.AddRateLimited("b");

        await AssertReadyAfter(queue, "b", TimeSpan.FromMilliseconds(5));
        Assert.Equal(2, queue.NumRequeues("a"));
    }

    [Fact]
    public async Task Forget_resets_the_backoff_of_a_key()
    {
        var queue = new WorkQueue<string>(time, TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1));
        foreach (var ms in new[] { 5, 10, 20 })
        {
            queue.AddRateLimited("a");
            await AssertReadyAfter(queue, "a", TimeSpan.FromMilliseconds(ms));
        }

        queue.Forget("a");
        queue.AddRateLimited("a");

        await AssertReadyAfter(queue, "a", TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, queue.NumRequeues("a"));
    }

    [Fact]
    public async Task ShutDown_wakes_waiting_takers_and_ignores_later_adds()
    {
        var queue = new WorkQueue<string>(time);
        var waiting = queue.TakeAsync(CancellationToken.None).AsTask();
        queue.AddAfter("late", TimeSpan.FromSeconds(1));

        queue.ShutDown();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Within());
        queue.Add("a");
        queue.AddAfter("b", TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, queue.Count);
        Assert.True(queue.IsShuttingDown);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.TakeAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task A_cancelled_take_does_not_swallow_the_next_key()
    {
        var queue = new WorkQueue<string>(time);
        using var cts = new CancellationTokenSource();
        var take = queue.TakeAsync(cts.Token).AsTask();

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => take.Within());

        queue.Add("a");
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Bad_delays_are_refused_with_what_is_wrong()
    {
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueue<string>(time, TimeSpan.Zero));
        Assert.Contains("must be positive", zero.Message, StringComparison.Ordinal);

        var inverted = Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueue<string>(time, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Contains("at least the first one", inverted.Message, StringComparison.Ordinal);
    }

    // Asserts the key is not ready one tick before `after` and ready at it; then takes it and marks it done so
    // the next round starts clean.
    private async Task AssertReadyAfter(WorkQueue<string> queue, string key, TimeSpan after)
    {
        time.Advance(after - Tick);
        Assert.True(queue.Count == 0, $"{key} was ready before {after}");
        time.Advance(Tick);
        Assert.True(queue.Count == 1, $"{key} was not ready after {after}");
        Assert.Equal(key, await queue.TakeAsync(CancellationToken.None));
        queue.Done(key);
    }
}
