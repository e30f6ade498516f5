using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Runtime;

// A local cache of one kind, kept current by list-then-watch, with a change event for controllers.
//
// - List, then watch from the list's resourceVersion, so no change between the two is lost.
// - Every watch event and bookmark advances the resourceVersion; a watch the server ends is resumed from it.
// - 410 Gone (ResourceExpiredException) means the server no longer has history that old: list again at once
//   and raise the difference against the cache (Added, Modified for every survivor, Deleted for what vanished:
//   a deletion missed while disconnected still reaches the controllers).
// - Any other failure backs off (1 s doubling to 30 s, on the injected TimeProvider) and tries again.
//
// Run it once (RunAsync) and share it: several controllers may subscribe, and a controller of another kind
// may read it (a WorkerPool rolls up its Workers). Cached objects are shared instances: never mutate them.
public sealed class Informer<T>
    where T : class, IResource
{
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    // A watch that ends this soon with nothing delivered counts as a failure, so a server (or proxy) that
    // closes every watch at once meets the backoff instead of a busy loop.
    internal static readonly TimeSpan MinHealthyWatch = TimeSpan.FromSeconds(1);

    private readonly IResourceClient<T> client;
    private readonly string? @namespace;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<ResourceKey, T> cache = [];
    private string resourceVersion = "";
    private int running;

    public Informer(IResourceClient<T> client, string? @namespace, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        this.client = client;
        this.@namespace = @namespace;
        this.time = time;
        this.logger = logger;
    }

    // Raised on the informer's own loop, one event at a time and in order; handlers must be quick (enqueue a
    // key) and must not throw (a throwing handler is logged and skipped).
    public event Action<ResourceEvent<T>>? Changed;

    public ResourceKind Kind => client.Kind;

    // True once the first list has been applied and its events raised.
    public bool HasSynced => synced.Task.IsCompleted;

    public Task WaitForSyncAsync(CancellationToken ct) => synced.Task.WaitAsync(ct);

    public T? Get(ResourceKey key)
    {
        lock (gate)
        {
            return cache.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<T> List()
    {
        lock (gate)
        {
            return [.. cache.Values];
        }
    }

    // Runs until ct is cancelled; then returns normally.
    public async Task RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref running, 1) == 1)
        {
            throw new InvalidOperationException($"the informer for {client.Kind} is already running: run it once and share it between controllers");
        }

        var failures = 0;
        var needList = true;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await RelistAsync(ct).ConfigureAwait(false);
                    needList = false;
                    failures = 0;
                }

                if (await WatchOnceAsync(ct).ConfigureAwait(false))
                {
                    failures = 0;
                    continue;
                }

                failures++;
                logger.LogDebug("watch of {Kind} ended at once with no events; retrying after a backoff", client.Kind);
            }
            catch (ResourceExpiredException e)
            {
                // The common case after a long disconnection; not worth more than an informational line.
                logger.LogInformation("{Kind} resourceVersion {ResourceVersion} expired ({Reason}); listing again", client.Kind, resourceVersion, e.Message);
                needList = true;
                continue;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                logger.LogWarning(e, "{Operation} of {Kind} failed (attempt {Attempt}); retrying in {Delay}", needList ? "list" : "watch", client.Kind, failures, Backoff(failures));
            }

            try
            {
                await Task.Delay(Backoff(failures), time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    internal static TimeSpan Backoff(int failures)
    {
        var ticks = FirstRetryDelay.Ticks * Math.Pow(2, Math.Max(0, failures - 1));
        return ticks >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    private async Task RelistAsync(CancellationToken ct)
    {
        var list = await client.ListAsync(@namespace, ct).ConfigureAwait(false);
        var changes = new List<ResourceEvent<T>>(list.Items.Count);
        lock (gate)
        {
            var fresh = new Dictionary<ResourceKey, T>(list.Items.Count);
            foreach (var item in list.Items)
            {
                var key = ResourceKeys.Of(item);
                fresh[key] = item;
                changes.Add(new ResourceEvent<T>(cache.ContainsKey(key) ? WatchEventType.Modified : WatchEventType.Added, item));
            }

            foreach (var (key, old) in cache)
            {
                if (!fresh.ContainsKey(key))
                {
                    changes.Add(new ResourceEvent<T>(WatchEventType.Deleted, old));
                }
            }

            cache = fresh;
            resourceVersion = list.ResourceVersion;
        }

        logger.LogDebug("listed {Count} {Kind} at resourceVersion {ResourceVersion}", list.Items.Count, client.Kind, list.ResourceVersion);
        foreach (var change in changes)
        {
            Raise(change);
        }

        // After the events: a controller waiting for sync then starts with every key already queued.
        synced.TrySetResult();
    }

    // True when the watch delivered something or lived long enough to count as healthy.
    private async Task<bool> WatchOnceAsync(CancellationToken ct)
    {
        var opened = time.GetTimestamp();
        string from;
        lock (gate)
        {
            from = resourceVersion;
        }

        var delivered = 0;
        await foreach (var e in client.WatchAsync(@namespace, from, ct).ConfigureAwait(false))
        {
            delivered++;
            if (Apply(e))
            {
                Raise(e);
            }
        }

        return delivered > 0 || time.GetElapsedTime(opened) >= MinHealthyWatch;
    }

    // Returns whether the event is a change to raise (bookmarks only move the resourceVersion).
    private bool Apply(ResourceEvent<T> e)
    {
        lock (gate)
        {
            if (!string.IsNullOrEmpty(e.Resource.Metadata.ResourceVersion))
            {
                resourceVersion = e.Resource.Metadata.ResourceVersion;
            }

            var key = ResourceKeys.Of(e.Resource);
            switch (e.Type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                    cache[key] = e.Resource;
                    return true;
                case WatchEventType.Deleted:
                    cache.Remove(key);
                    return true;
                default:
                    return false;
            }
        }
    }

    private void Raise(ResourceEvent<T> e)
    {
        var handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<ResourceEvent<T>>>())
        {
            try
            {
                handler(e);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "a handler of {Kind} changes failed on {Type} {Key}", client.Kind, e.Type, ResourceKeys.Of(e.Resource));
            }
        }
    }
}
