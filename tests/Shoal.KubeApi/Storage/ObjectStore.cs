using System.Globalization;
using System.Text.Json.Nodes;

namespace Shoal.KubeApi.Storage;

/// <summary>
/// All objects of all types, one global resourceVersion counter (like etcd's revision), and a bounded
/// history of changes that watches replay from. Callers that read, decide and write take <see cref="Gate"/>
/// around the whole sequence; every method also takes it (the lock is re-entrant), so single calls are safe.
/// Objects handed out are copies.
/// </summary>
internal sealed class ObjectStore
{
    private readonly object gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> collections = new(StringComparer.Ordinal);
    private readonly LinkedList<StoredEvent> history = new();
    private readonly List<WatchSubscription> subscriptions = [];
    private readonly int historyLimit;
    private long revision;
    private long compacted;

    public ObjectStore(int historyLimit)
    {
        this.historyLimit = Math.Max(1, historyLimit);
    }

    public object Gate => gate;

    public long Revision
    {
        get
        {
            lock (gate)
            {
                return revision;
            }
        }
    }

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    public JsonObject? Get(string storageKey, string? ns, string name)
    {
        lock (gate)
        {
            return collections.TryGetValue(storageKey, out var items) && items.TryGetValue(Key(ns, name), out var obj)
                ? (JsonObject)obj.DeepClone()
                : null;
        }
    }

    /// <summary>Objects in key order (namespace, then name), as etcd returns them; ns null means all namespaces.</summary>
    public List<JsonObject> List(string storageKey, string? ns)
    {
        lock (gate)
        {
            if (!collections.TryGetValue(storageKey, out var items))
            {
                return [];
            }

            return [.. items.Where(p => ns is null || p.Key.StartsWith(ns + "/", StringComparison.Ordinal))
                .Select(p => (JsonObject)p.Value.DeepClone())];
        }
    }

    /// <summary>Stores a new or changed object with the next resourceVersion and tells the watchers.</summary>
    public JsonObject Put(string storageKey, JsonObject obj)
    {
        lock (gate)
        {
            var items = Collection(storageKey);
            var key = Key(Json.Namespace(obj), Json.Name(obj));
            items.TryGetValue(key, out var previous);
            var rv = ++revision;
            Json.Metadata(obj)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            var stored = (JsonObject)obj.DeepClone();
            items[key] = stored;
            Publish(new StoredEvent(rv, previous is null ? "ADDED" : "MODIFIED", storageKey, stored, previous));
            return (JsonObject)stored.DeepClone();
        }
    }

    /// <summary>
    /// Removes an object; the DELETED event carries its last state (finalState when the removal comes from an
    /// update that emptied the finalizers) with the deletion's resourceVersion.
    /// </summary>
    public JsonObject? Remove(string storageKey, string? ns, string name, JsonObject? finalState = null)
    {
        lock (gate)
        {
            if (!collections.TryGetValue(storageKey, out var items) || !items.Remove(Key(ns, name), out var last))
            {
                return null;
            }

            // History events still reference the stored object; the DELETED event gets its own copy.
            var removed = (JsonObject)(finalState ?? last).DeepClone();
            var rv = ++revision;
            Json.Metadata(removed)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            Publish(new StoredEvent(rv, "DELETED", storageKey, removed, null));
            return (JsonObject)removed.DeepClone();
        }
    }

    public void RemoveAll(string storageKey, Func<JsonObject, bool> predicate)
    {
        lock (gate)
        {
            if (!collections.TryGetValue(storageKey, out var items))
            {
                return;
            }

            foreach (var obj in items.Values.Where(predicate).ToList())
            {
                Remove(storageKey, Json.Namespace(obj), Json.Name(obj));
            }
        }
    }

    public IReadOnlyList<string> StorageKeys()
    {
        lock (gate)
        {
            return [.. collections.Keys];
        }
    }

    /// <summary>Forgets the change history: a watch from any older resourceVersion now gets 410 Gone.</summary>
    public void ExpireHistory()
    {
        lock (gate)
        {
            history.Clear();
            compacted = revision;
        }
    }

    /// <summary>
    /// Opens a watch. fromRevision null means "current state first": synthetic ADDED events for every matching
    /// object. Otherwise events after that revision are replayed; null is returned when they are no longer in
    /// the history (the caller answers 410 Gone).
    /// </summary>
    public WatchSubscription? Subscribe(string storageKey, string? ns, Func<JsonObject, bool> matches, long? fromRevision)
    {
        lock (gate)
        {
            var subscription = new WatchSubscription(storageKey, ns, matches);
            if (fromRevision is null)
            {
                if (collections.TryGetValue(storageKey, out var items))
                {
                    foreach (var obj in items.Values.Where(o => subscription.InScope(o) && matches(o)))
                    {
                        subscription.Write("ADDED", obj);
                    }
                }
            }
            else
            {
                if (fromRevision < compacted)
                {
                    return null;
                }

                foreach (var change in history.Where(e => e.Revision > fromRevision))
                {
                    subscription.Offer(change);
                }
            }

            subscriptions.Add(subscription);
            return subscription;
        }
    }

    public void Unsubscribe(WatchSubscription subscription)
    {
        lock (gate)
        {
            subscriptions.Remove(subscription);
        }
    }

    /// <summary>Ends every open watch (server shutdown).</summary>
    public void CompleteAll()
    {
        lock (gate)
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Complete();
            }

            subscriptions.Clear();
        }
    }

    private SortedDictionary<string, JsonObject> Collection(string storageKey)
    {
        if (!collections.TryGetValue(storageKey, out var items))
        {
            items = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            collections[storageKey] = items;
        }

        return items;
    }

    private void Publish(StoredEvent change)
    {
        history.AddLast(change);
        while (history.Count > historyLimit)
        {
            compacted = history.First!.Value.Revision;
            history.RemoveFirst();
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Offer(change);
        }
    }
}
