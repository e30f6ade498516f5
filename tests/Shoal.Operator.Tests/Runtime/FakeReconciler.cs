using System.Collections.Concurrent;
using System.Threading.Channels;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Tests.Runtime;

// Records every call and answers through a script per call; by default Done. It also checks the one rule
// the controller must keep whatever the script does: never two calls for one key at the same time.
internal sealed class FakeReconciler : IReconciler<Worker>
{
    private readonly ConcurrentDictionary<ResourceKey, int> active = new();
    private readonly Channel<ResourceKey> started = Channel.CreateUnbounded<ResourceKey>();

    public string Name => "worker";

    public ConcurrentQueue<(ResourceKey Key, Worker? Resource)> Calls { get; } = new();

    public Func<ResourceKey, Worker?, CancellationToken, Task<ReconcileResult>> Behaviour { get; set; } =
        (_, _, _) => Task.FromResult(ReconcileResult.Done);

    private int overlaps;

    // Calls that started while another call for the same key was still running.
    public int Overlaps => Volatile.Read(ref overlaps);

    public int CallsFor(string name) => Calls.Count(c => c.Key.Name == name);

    // Waits until a call for the key has started (calls for other keys are skipped).
    public async Task StartedAsync(ResourceKey key)
    {
        while (await started.Reader.ReadAsync().AsTask().Within() != key)
        {
        }
    }

    public async Task<ReconcileResult> ReconcileAsync(ResourceKey key, Worker? resource, CancellationToken ct)
    {
        Calls.Enqueue((key, resource));
        started.Writer.TryWrite(key);
        if (active.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref overlaps);
        }

        try
        {
            return await Behaviour(key, resource, ct);
        }
        finally
        {
            active.AddOrUpdate(key, 0, (_, n) => n - 1);
        }
    }
}
