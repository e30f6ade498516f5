using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Tests.Runtime;

public sealed class InformerTests : IAsyncLifetime
{
    private readonly FakeResourceClient client = new();
    private readonly TimerWatchingTimeProvider time = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Channel<ResourceEvent<Worker>> changes = Channel.CreateUnbounded<ResourceEvent<Worker>>();
    private readonly Informer<Worker> informer;
    private Task? running;

    public InformerTests()
    {
        informer = new Informer<Worker>(client, Workers.Namespace, time, NullLogger.Instance);
        informer.Changed += e => changes.Writer.TryWrite(e);
    }

    [Fact]
    public async Task Lists_then_watches_from_the_list_resource_version_and_raises_added_for_each_item()
    {
        client.Items.AddRange([Workers.New("w1", "5"), Workers.New("w2", "8")]);
        client.ListVersion = "10";

        Start();
        var watch = await client.NextWatchAsync();

        Assert.Equal("10", watch.FromVersion);
        Assert.Equal([Workers.Namespace], client.ListCalls);
        Assert.True(informer.HasSynced);
        await informer.WaitForSyncAsync(CancellationToken.None).Within();
        Assert.Equal([(WatchEventType.Added, "w1"), (WatchEventType.Added, "w2")], await NextChanges(2));
        Assert.Equal(["w1", "w2"], informer.List().Select(w => w.Metadata.Name).Order());
        Assert.Equal("8", informer.Get(new ResourceKey(Workers.Namespace, "w2"))?.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Watch_events_update_the_cache_and_bookmarks_advance_the_version_a_new_watch_resumes_from()
    {
        client.Items.AddRange([Workers.New("w1", "5"), Workers.New("w2", "8")]);
        client.ListVersion = "10";
        Start();
        var watch = await client.NextWatchAsync();
        await NextChanges(2);

        watch.Send(WatchEventType.Modified, Workers.New("w1", "11", WorkerPhases.Running));
        watch.Send(WatchEventType.Added, Workers.New("w3", "12"));
        watch.Send(WatchEventType.Deleted, Workers.New("w2", "13"));
        watch.Bookmark("20");
        watch.End();
        var next = await client.NextWatchAsync();

        Assert.Equal("20", next.FromVersion);
        Assert.Equal([(WatchEventType.Modified, "w1"), (WatchEventType.Added, "w3"), (WatchEventType.Deleted, "w2")], await NextChanges(3));
        Assert.Equal(["w1", "w3"], informer.List().Select(w => w.Metadata.Name).Order());
        Assert.Equal(WorkerPhases.Running, informer.Get(new ResourceKey(Workers.Namespace, "w1"))?.Status?.Phase);
        Assert.Null(informer.Get(new ResourceKey(Workers.Namespace, "w2")));
        Assert.Single(client.ListCalls);
        Assert.False(changes.Reader.TryRead(out _), "a bookmark must not be raised as a change");
    }

    [Fact]
    public async Task An_expired_watch_relists_at_once_and_raises_the_difference_including_deletions_missed_meanwhile()
    {
        client.Items.AddRange([Workers.New("w1", "5"), Workers.New("w2", "8")]);
        client.ListVersion = "10";
        Start();
        var watch = await client.NextWatchAsync();
        await NextChanges(2);

        // While the watch was down: w2 was deleted, w3 created, w1 changed.
        client.Items.Clear();
        client.Items.AddRange([Workers.New("w1", "25"), Workers.New("w3", "28")]);
        client.ListVersion = "30";
        watch.Fail(new ResourceExpiredException("too old"));
        var next = await client.NextWatchAsync();

        Assert.Equal("30", next.FromVersion);
        Assert.Equal(2, client.ListCalls.Count);
        Assert.Equal([(WatchEventType.Modified, "w1"), (WatchEventType.Added, "w3"), (WatchEventType.Deleted, "w2")], await NextChanges(3));
        Assert.Equal(["w1", "w3"], informer.List().Select(w => w.Metadata.Name).Order());
        Assert.Equal("25", informer.Get(new ResourceKey(Workers.Namespace, "w1"))?.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_failed_list_is_retried_after_a_doubling_backoff_and_sync_waits_for_the_first_good_list()
    {
        client.ListFailures.Enqueue(new HttpRequestException("connection refused"));
        client.ListFailures.Enqueue(new HttpRequestException("connection refused"));
        client.Items.Add(Workers.New("w1", "5"));

        Start();
        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());
        Assert.Single(client.ListCalls);
        Assert.False(informer.HasSynced);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), await time.NextTimerAsync());
        Assert.Equal(2, client.ListCalls.Count);
        Assert.False(informer.HasSynced);

        time.Advance(TimeSpan.FromSeconds(2));
        await client.NextWatchAsync();
        Assert.Equal(3, client.ListCalls.Count);
        await informer.WaitForSyncAsync(CancellationToken.None).Within();
        Assert.Equal([(WatchEventType.Added, "w1")], await NextChanges(1));
    }

    [Fact]
    public async Task A_failed_watch_backs_off_then_resumes_from_the_last_version_without_listing()
    {
        client.ListVersion = "10";
        Start();
        var watch = await client.NextWatchAsync();

        watch.Send(WatchEventType.Added, Workers.New("w1", "11"));
        watch.Fail(new IOException("connection reset"));

        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(1));
        var next = await client.NextWatchAsync();
        Assert.Equal("11", next.FromVersion);
        Assert.Single(client.ListCalls);
        Assert.Equal([(WatchEventType.Added, "w1")], await NextChanges(1));
    }

    [Fact]
    public async Task A_watch_that_ends_at_once_with_nothing_is_retried_after_a_backoff_not_in_a_busy_loop()
    {
        client.ListVersion = "10";
        Start();
        var watch = await client.NextWatchAsync();

        watch.End();

        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());
        Assert.Single(client.WatchCalls);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("10", (await client.NextWatchAsync()).FromVersion);
    }

    [Fact]
    public async Task A_quiet_watch_the_server_closes_after_a_while_is_resumed_at_once()
    {
        client.ListVersion = "10";
        Start();
        var watch = await client.NextWatchAsync();

        time.Advance(TimeSpan.FromMinutes(5));
        watch.End();

        Assert.Equal("10", (await client.NextWatchAsync()).FromVersion);
    }

    [Fact]
    public async Task A_throwing_handler_is_skipped_and_the_informer_keeps_going()
    {
        informer.Changed += _ => throw new InvalidOperationException("broken handler");
        client.Items.Add(Workers.New("w1", "5"));
        Start();
        var watch = await client.NextWatchAsync();

        watch.Send(WatchEventType.Added, Workers.New("w2", "11"));

        Assert.Equal([(WatchEventType.Added, "w1"), (WatchEventType.Added, "w2")], await NextChanges(2));
        Assert.NotNull(informer.Get(new ResourceKey(Workers.Namespace, "w2")));
    }

    [Fact]
    public async Task Cancelling_ends_the_run_quietly()
    {
        Start();
        await client.NextWatchAsync();

        await stop.CancelAsync();

        await running!.Within();
        Assert.True(running!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Running_twice_is_refused()
    {
        Start();
        await client.NextWatchAsync();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => informer.RunAsync(CancellationToken.None));
        Assert.Contains("already running", e.Message, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        if (running is not null)
        {
            await running.Within();
        }

        stop.Dispose();
    }

    private void Start() => running = informer.RunAsync(stop.Token);

    private async Task<List<(WatchEventType, string)>> NextChanges(int count)
    {
        var read = new List<(WatchEventType, string)>();
        for (var i = 0; i < count; i++)
        {
            var e = await changes.Reader.ReadAsync().AsTask().Within();
            read.Add((e.Type, e.Resource.Metadata.Name));
        }

        return read;
    }
}
