using Shoal.Core.Ports;

namespace Shoal.Aws.Fleet;

/// <summary>
/// Coalesces launches asked for close together into one call, as Karpenter's CreateFleet batcher does: a
/// batch goes when no launch has arrived for the idle window, or when its first launch has waited the
/// maximum window, or when it holds enough capacity for a call. Timers come from the TimeProvider.
/// </summary>
internal sealed class LaunchBatcher : IDisposable
{
    private readonly TimeProvider time;
    private readonly TimeSpan idleWindow;
    private readonly TimeSpan maxWindow;
    private readonly int maxCount;
    private readonly Func<IReadOnlyList<LaunchRequest>, Task<IReadOnlyList<IReadOnlyList<WorkerInfo>>>> execute;
    private readonly object gate = new();
    private List<Pending> pending = [];
    private int pendingCount;
    private DateTimeOffset firstAt;
    private ITimer? timer;

    public LaunchBatcher(
        TimeProvider time,
        TimeSpan idleWindow,
        TimeSpan maxWindow,
        int maxCount,
        Func<IReadOnlyList<LaunchRequest>, Task<IReadOnlyList<IReadOnlyList<WorkerInfo>>>> execute)
    {
        this.time = time;
        this.idleWindow = idleWindow;
        this.maxWindow = maxWindow;
        this.maxCount = maxCount;
        this.execute = execute;
    }

    public Task<IReadOnlyList<WorkerInfo>> EnqueueAsync(LaunchRequest request)
    {
        var item = new Pending(request);
        List<Pending>? ready = null;
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (pending.Count == 0)
            {
                firstAt = now;
            }

            pending.Add(item);
            pendingCount += request.Count;
            var due = Min(idleWindow, firstAt + maxWindow - now);
            if (due <= TimeSpan.Zero || pendingCount >= maxCount)
            {
                ready = TakeLocked();
            }
            else
            {
                timer ??= time.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                timer.Change(due, Timeout.InfiniteTimeSpan);
            }
        }

        if (ready is not null)
        {
            _ = RunAsync(ready);
        }

        return item.Completion.Task;
    }

    /// <summary>Launches still waiting for their batch fail: a fleet being disposed should not start instances.</summary>
    public void Dispose()
    {
        List<Pending> waiting;
        lock (gate)
        {
            waiting = TakeLocked();
            timer?.Dispose();
            timer = null;
        }

        foreach (var item in waiting)
        {
            item.Completion.TrySetException(new ObjectDisposedException(nameof(LaunchBatcher), "The fleet was disposed before this launch was sent."));
        }
    }

    private void Flush()
    {
        List<Pending> ready;
        lock (gate)
        {
            ready = TakeLocked();
        }

        if (ready.Count > 0)
        {
            _ = RunAsync(ready);
        }
    }

    private List<Pending> TakeLocked()
    {
        var taken = pending;
        pending = [];
        pendingCount = 0;
        timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return taken;
    }

    private async Task RunAsync(List<Pending> batch)
    {
        try
        {
            var results = await execute([.. batch.Select(p => p.Request)]);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception e)
        {
            foreach (var item in batch)
            {
                item.Completion.TrySetException(e);
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Pending(LaunchRequest request)
    {
        public LaunchRequest Request { get; } = request;

        // Continuations run elsewhere: a caller resuming inline would hold up the rest of the batch.
        public TaskCompletionSource<IReadOnlyList<WorkerInfo>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
