using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Shoal.KubeApi.Storage;

/// <summary>
/// One open watch. The store offers it every change (under the store lock, so order is global revision
/// order); it keeps those that concern its collection, namespace and selectors.
/// </summary>
internal sealed class WatchSubscription
{
    private readonly Channel<WatchItem> channel = Channel.CreateUnbounded<WatchItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<JsonObject, bool> matches;

    public WatchSubscription(string storageKey, string? @namespace, Func<JsonObject, bool> matches)
    {
        StorageKey = storageKey;
        Namespace = @namespace;
        this.matches = matches;
    }

    public string StorageKey { get; }

    public string? Namespace { get; }

    public ChannelReader<WatchItem> Reader => channel.Reader;

    public bool InScope(JsonObject obj) => Namespace is null || Json.Namespace(obj) == Namespace;

    public void Offer(StoredEvent change)
    {
        if (change.StorageKey != StorageKey || !InScope(change.Object))
        {
            return;
        }

        var now = matches(change.Object);
        switch (change.Type)
        {
            case "MODIFIED":
                var before = change.Previous is null ? now : matches(change.Previous);
                var type = (before, now) switch
                {
                    (true, true) => "MODIFIED",
                    (false, true) => "ADDED",
                    (true, false) => "DELETED",
                    _ => null,
                };
                if (type is not null)
                {
                    Write(type, change.Object);
                }

                break;
            default:
                if (now)
                {
                    Write(change.Type, change.Object);
                }

                break;
        }
    }

    /// <summary>Each watcher gets its own copy: JsonNode trees are not safe to read from two threads at once.</summary>
    public void Write(string type, JsonObject obj) => channel.Writer.TryWrite(new WatchItem(type, (JsonObject)obj.DeepClone()));

    public void Complete() => channel.Writer.TryComplete();
}
