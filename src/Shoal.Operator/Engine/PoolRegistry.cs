using System.Collections.Concurrent;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Engine;

/// <summary>The running pools of this operator (the leader), by WorkerPool key.</summary>
internal sealed class PoolRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<ResourceKey, PoolRuntime> pools = new();

    public PoolRuntime? Get(ResourceKey key) => pools.GetValueOrDefault(key);

    public IReadOnlyCollection<PoolRuntime> All => [.. pools.Values];

    public void Set(ResourceKey key, PoolRuntime runtime) => pools[key] = runtime;

    /// <summary>
    /// Stops the pool's loops the way a host stop does: nothing is terminated and running jobs stay leased,
    /// so whatever runs the pool next adopts its workers and re-attaches to their jobs.
    /// </summary>
    public async Task StopAsync(ResourceKey key)
    {
        if (pools.TryRemove(key, out var runtime))
        {
            await runtime.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in pools.Keys.ToList())
        {
            await StopAsync(key);
        }
    }
}
