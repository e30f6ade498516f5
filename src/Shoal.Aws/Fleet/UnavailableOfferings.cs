using System.Collections.Concurrent;

namespace Shoal.Aws.Fleet;

/// <summary>
/// (instance type, zone, capacity type) offerings that just failed for lack of capacity, remembered for a
/// few minutes so launches try elsewhere instead of asking the same empty pool again (Karpenter's cache of
/// the same name). Shared with whatever else learns of empty pools, such as spot interruptions.
/// </summary>
public sealed class UnavailableOfferings(TimeProvider time, TimeSpan? ttl = null)
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(3);

    private readonly ConcurrentDictionary<(string Type, string Zone, string Capacity), DateTimeOffset> until = new();

    public TimeSpan Ttl { get; } = ttl ?? DefaultTtl;

    public void MarkUnavailable(string instanceType, string zone, string capacityType) =>
        until[(instanceType, zone, capacityType)] = time.GetUtcNow() + Ttl;

    public bool IsUnavailable(string instanceType, string zone, string capacityType)
    {
        var key = (instanceType, zone, capacityType);
        if (!until.TryGetValue(key, out var expiry))
        {
            return false;
        }

        if (time.GetUtcNow() < expiry)
        {
            return true;
        }

        until.TryRemove(new KeyValuePair<(string, string, string), DateTimeOffset>(key, expiry));
        return false;
    }

    /// <summary>The offerings unavailable right now.</summary>
    public IReadOnlyList<(string InstanceType, string Zone, string CapacityType)> Current()
    {
        var now = time.GetUtcNow();
        return [.. until.Where(e => now < e.Value).Select(e => e.Key).Order()];
    }
}
