using System.Collections.Concurrent;

namespace Shoal.Aws.Sdk;

/// <summary>
/// Counts AWS requests on the wire by service and operation, at the SDK's HTTP handler: every retry is
/// a request, as AWS bills and throttles them. Feeds the API-calls benchmark and the metrics.
/// </summary>
public sealed class AwsCallCounter
{
    private readonly ConcurrentDictionary<string, long> calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> throttled = new(StringComparer.Ordinal);

    /// <summary>"Service.Operation" → requests sent.</summary>
    public IReadOnlyDictionary<string, long> Calls => calls;

    /// <summary>"Service.Operation" → answers that said slow down (HTTP 429/503, or a throttling code).</summary>
    public IReadOnlyDictionary<string, long> Throttled => throttled;

    public long Total => calls.Values.Sum();

    public void Record(string operation, bool wasThrottled)
    {
        calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        if (wasThrottled)
        {
            throttled.AddOrUpdate(operation, 1, (_, n) => n + 1);
        }
    }

    public void Reset()
    {
        calls.Clear();
        throttled.Clear();
    }
}
