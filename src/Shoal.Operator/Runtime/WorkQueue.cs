namespace Shoal.Operator.Runtime;

// A keyed work queue with client-go's semantics:
// - a key waiting in the queue is held once, however often it is added (dedup);
// - a key being processed is never handed out again until Done; adding it meanwhile marks it dirty and
//   Done puts it back, so the change that arrived during processing is not lost;
// - AddAfter holds a key until its time (on the injected TimeProvider); of two pending delays the earlier wins;
// - AddRateLimited delays by the key's own failure count: base, 2x base, 4x base ... capped; Forget resets;
// - ShutDown stops new adds and wakes every waiting TakeAsync with OperationCanceledException.
public sealed class WorkQueue<TKey>
    where TKey : notnull
{
    private static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromMinutes(5);

    private readonly TimeProvider time;
    private readonly TimeSpan baseDelay;
    private readonly TimeSpan maxDelay;
    private readonly Lock gate = new();
    private readonly Queue<TKey> ready = new();
    private readonly HashSet<TKey> dirty = [];
    private readonly HashSet<TKey> processing = [];
    private readonly LinkedList<TaskCompletionSource<TKey>> takers = new();
    private readonly Dictionary<TKey, int> failures = [];

    // Delayed keys: the earliest time per key, and a heap that may hold superseded entries (skipped on pop).
    private readonly Dictionary<TKey, DateTimeOffset> waitingUntil = [];
    private readonly PriorityQueue<TKey, DateTimeOffset> waiting = new();
    private readonly ITimer timer;
    private DateTimeOffset? timerDue;
    private bool shuttingDown;

    public WorkQueue(TimeProvider time, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        this.time = time;
        this.baseDelay = baseDelay ?? DefaultBaseDelay;
        this.maxDelay = maxDelay ?? DefaultMaxDelay;
        if (this.baseDelay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(baseDelay), this.baseDelay, "the first retry delay must be positive");
        }

        if (this.maxDelay < this.baseDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDelay), this.maxDelay, $"the longest retry delay must be at least the first one ({this.baseDelay})");
        }

        timer = time.CreateTimer(static state => ((WorkQueue<TKey>)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    // Keys ready to be taken (not the delayed ones, not the ones being processed).
    public int Count
    {
        get
        {
            lock (gate)
            {
                return ready.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (gate)
            {
                return shuttingDown;
            }
        }
    }

    public void Add(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (gate)
        {
            AddLocked(key);
        }
    }

    public void AddAfter(TKey key, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (gate)
        {
            if (shuttingDown)
            {
                return;
            }

            var at = time.GetUtcNow() + delay;
            if (waitingUntil.TryGetValue(key, out var pending) && pending <= at)
            {
                return;
            }

            waitingUntil[key] = at;
            waiting.Enqueue(key, at);
            if (timerDue is null || at < timerDue)
            {
                timerDue = at;
                timer.Change(delay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void AddRateLimited(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        TimeSpan delay;
        lock (gate)
        {
            var n = failures.GetValueOrDefault(key);
            failures[key] = n + 1;
            delay = Delay(n);
        }

        AddAfter(key, delay);
    }

    public void Forget(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (gate)
        {
            failures.Remove(key);
        }
    }

    // How many AddRateLimited calls since the last Forget: the attempt number for logs.
    public int NumRequeues(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (gate)
        {
            return failures.GetValueOrDefault(key);
        }
    }

    // Hands out the next ready key and marks it processing; the caller must call Done(key) when finished.
    public ValueTask<TKey> TakeAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        TaskCompletionSource<TKey> taker;
        LinkedListNode<TaskCompletionSource<TKey>> node;
        lock (gate)
        {
            if (ready.TryDequeue(out var key))
            {
                dirty.Remove(key);
                processing.Add(key);
                return ValueTask.FromResult(key);
            }

            if (shuttingDown)
            {
                throw new OperationCanceledException("the work queue was shut down");
            }

            taker = new TaskCompletionSource<TKey>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = takers.AddLast(taker);
        }

        return WaitAsync(taker, node, ct);
    }

    public void Done(TKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (gate)
        {
            if (processing.Remove(key) && dirty.Contains(key))
            {
                EnqueueLocked(key);
            }
        }
    }

    public void ShutDown()
    {
        lock (gate)
        {
            if (shuttingDown)
            {
                return;
            }

            shuttingDown = true;
            foreach (var taker in takers)
            {
                taker.TrySetCanceled();
            }

            takers.Clear();
            waiting.Clear();
            waitingUntil.Clear();
            timerDue = null;
        }

        timer.Dispose();
    }

    private async ValueTask<TKey> WaitAsync(TaskCompletionSource<TKey> taker, LinkedListNode<TaskCompletionSource<TKey>> node, CancellationToken ct)
    {
        // Removal and cancellation happen under the lock, so a taker still in the list is never both handed a
        // key and cancelled: a key cannot be lost between the two.
        using var registration = ct.Register(() =>
        {
            lock (gate)
            {
                if (node.List is not null)
                {
                    takers.Remove(node);
                    taker.TrySetCanceled(ct);
                }
            }
        });
        return await taker.Task.ConfigureAwait(false);
    }

    private void AddLocked(TKey key)
    {
        if (shuttingDown || !dirty.Add(key) || processing.Contains(key))
        {
            return;
        }

        EnqueueLocked(key);
    }

    private void EnqueueLocked(TKey key)
    {
        if (takers.First is { } first)
        {
            takers.RemoveFirst();
            dirty.Remove(key);
            processing.Add(key);
            first.Value.TrySetResult(key);
            return;
        }

        ready.Enqueue(key);
    }

    private void OnTimer()
    {
        lock (gate)
        {
            timerDue = null;
            if (shuttingDown)
            {
                return;
            }

            var now = time.GetUtcNow();
            while (waiting.TryPeek(out var key, out var at) && at <= now)
            {
                waiting.Dequeue();
                if (waitingUntil.TryGetValue(key, out var current) && current == at)
                {
                    waitingUntil.Remove(key);
                    AddLocked(key);
                }
            }

            if (waiting.TryPeek(out _, out var next))
            {
                timerDue = next;
                timer.Change(next - now, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private TimeSpan Delay(int previousFailures)
    {
        var ticks = baseDelay.Ticks * Math.Pow(2, previousFailures);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
