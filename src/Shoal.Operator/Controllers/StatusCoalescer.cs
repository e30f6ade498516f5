using System.Collections.Concurrent;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Controllers;

/// <summary>
/// Worker loops report every step; the Worker controller hears of a worker at most once per window, so a
/// burst of steps becomes one status write (DESIGN §4: coalesced, not one API write per job step).
/// </summary>
internal sealed class StatusCoalescer(TimeSpan window)
{
    private readonly ConcurrentDictionary<ResourceKey, byte> pending = new();

    public Action<ResourceKey, TimeSpan> Enqueue { get; set; } = (_, _) => { };

    public void Poke(ResourceKey key)
    {
        if (pending.TryAdd(key, 0))
        {
            Enqueue(key, window);
        }
    }

    /// <summary>Called as the reconcile starts: what happens from now on needs a new write.</summary>
    public void Taken(ResourceKey key) => pending.TryRemove(key, out _);
}
