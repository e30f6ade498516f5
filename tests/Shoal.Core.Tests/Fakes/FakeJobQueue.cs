using Shoal.Core.Ports;

namespace Shoal.Core.Tests.Fakes;

/// <summary>
/// An in-memory queue with SQS semantics on the fake clock: a received message is invisible for its
/// visibility timeout and then comes back with ReceiveCount + 1 and a new receipt handle; Release makes
/// it visible after a delay; Complete and DeadLetter delete it and publish the result. Extend and
/// Release with a stale receipt handle fail like SQS's ReceiptHandleIsInvalid; a delete with a stale
/// handle leaves the message in place (SQS does not promise to delete it either).
/// </summary>
public sealed class FakeJobQueue(TimeProvider time, string name = "jobs", FakeEventLog? log = null) : IJobQueue
{
    private readonly object gate = new();
    private readonly List<Entry> messages = [];
    private readonly List<TaskCompletionSource> waiters = [];
    private readonly List<QueueOperation> operations = [];
    private readonly List<string> finished = [];
    private readonly List<string> deadLetters = [];
    private readonly Dictionary<string, int> faults = new(StringComparer.Ordinal);
    private int nextId;

    public string Name { get; } = name;

    public FakeEventLog Log { get; } = log ?? new FakeEventLog();

    /// <summary>Result JSON published by Complete, in order.</summary>
    public IReadOnlyList<string> Finished => Snapshot(finished);

    /// <summary>Result JSON moved to the dead-letter queue, in order.</summary>
    public IReadOnlyList<string> DeadLetters => Snapshot(deadLetters);

    public IReadOnlyList<QueueOperation> Operations => Snapshot(operations);

    /// <summary>Messages not yet deleted.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return messages.Count;
            }
        }
    }

    /// <summary>
    /// The next <paramref name="times"/> calls of <paramref name="operation"/> (receive, extend, release,
    /// complete, dead-letter) throw before doing anything, as an unreachable queue would.
    /// </summary>
    public void FailNext(string operation, int times)
    {
        lock (gate)
        {
            faults[operation] = times;
        }
    }

    /// <summary>Sends a message now and returns its id (test set-up).</summary>
    public string Enqueue(string body, TimeSpan delay = default)
    {
        string id;
        lock (gate)
        {
            id = $"m{++nextId}";
            var now = time.GetUtcNow();
            messages.Add(new Entry(id, body, now) { VisibleAt = now + delay, Delayed = delay > TimeSpan.Zero });
        }

        Log.Record(time.GetUtcNow(), "queue", $"send {id}");
        WakeReceivers();
        return id;
    }

    public int ReceiveCountOf(string messageId)
    {
        lock (gate)
        {
            return messages.Single(m => m.Id == messageId).ReceiveCount;
        }
    }

    public bool Contains(string messageId)
    {
        lock (gate)
        {
            return messages.Any(m => m.Id == messageId);
        }
    }

    public Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Enqueue(body, delay);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            TaskCompletionSource signal;
            TimeSpan sleep;
            lock (gate)
            {
                ThrowIfFaulted("receive");

                var now = time.GetUtcNow();
                var taken = messages.Where(m => m.VisibleAt <= now).Take(max).ToList();
                if (taken.Count > 0)
                {
                    var result = new List<QueueMessage>(taken.Count);
                    foreach (var m in taken)
                    {
                        m.ReceiveCount++;
                        m.Receipt = $"{m.Id}/r{m.ReceiveCount}";
                        m.VisibleAt = now + visibility;
                        m.Delayed = false;
                        result.Add(new QueueMessage(m.Id, m.Receipt, m.Body, m.ReceiveCount, m.SentAt));
                        operations.Add(new QueueOperation("receive", m.Id, visibility, now));
                    }

                    foreach (var m in result)
                    {
                        Log.Record(now, "queue", $"receive {m.MessageId}");
                    }

                    return result;
                }

                if (now >= deadline)
                {
                    return [];
                }

                // Sleep until the wait runs out or the next hidden message would become visible,
                // whichever is first; a send or release wakes us earlier.
                var wakeAt = deadline;
                foreach (var m in messages)
                {
                    if (m.VisibleAt < wakeAt)
                    {
                        wakeAt = m.VisibleAt;
                    }
                }

                signal = new TaskCompletionSource();
                waiters.Add(signal);
                sleep = wakeAt - now;
            }

            using (time.CreateTimer(static s => ((TaskCompletionSource)s!).TrySetResult(), signal, sleep, Timeout.InfiniteTimeSpan))
            using (cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), signal))
            {
                try
                {
                    await signal.Task;
                }
                finally
                {
                    lock (gate)
                    {
                        waiters.Remove(signal);
                    }
                }
            }
        }
    }

    public Task ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ThrowIfFaulted("extend");
            var m = Current(message, "extend");
            m.VisibleAt = time.GetUtcNow() + visibility;
            operations.Add(new QueueOperation("extend", m.Id, visibility, time.GetUtcNow()));
        }

        Log.Record(time.GetUtcNow(), "queue", $"extend {message.MessageId}");
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ThrowIfFaulted("release");
            var m = Current(message, "release");
            m.VisibleAt = time.GetUtcNow() + delay;
            m.Delayed = delay > TimeSpan.Zero;
            operations.Add(new QueueOperation("release", m.Id, delay, time.GetUtcNow()));
        }

        Log.Record(time.GetUtcNow(), "queue", $"release {message.MessageId}");
        WakeReceivers();
        return Task.CompletedTask;
    }

    public Task CompleteAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken)
    {
        Delete(message, "complete");
        lock (gate)
        {
            finished.Add(resultJson);
        }

        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken)
    {
        Delete(message, "dead-letter");
        lock (gate)
        {
            deadLetters.Add(resultJson);
        }

        return Task.CompletedTask;
    }

    public Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var visible = messages.Count(m => m.VisibleAt <= now);
            var delayed = messages.Count(m => m.VisibleAt > now && m.Delayed);
            var inFlight = messages.Count - visible - delayed;
            return Task.FromResult(new QueueDepth(visible, inFlight, delayed, deadLetters.Count));
        }
    }

    private void Delete(QueueMessage message, string kind)
    {
        lock (gate)
        {
            ThrowIfFaulted(kind);
            var m = messages.SingleOrDefault(e => e.Id == message.MessageId);
            var stale = m is not null && m.Receipt != message.ReceiptHandle;
            if (m is not null && !stale)
            {
                messages.Remove(m);
            }

            operations.Add(new QueueOperation(stale ? kind + " (stale)" : kind, message.MessageId, null, time.GetUtcNow()));
        }

        Log.Record(time.GetUtcNow(), "queue", $"{kind} {message.MessageId}");
    }

    private void ThrowIfFaulted(string operation)
    {
        if (faults.TryGetValue(operation, out var left) && left > 0)
        {
            faults[operation] = left - 1;
            throw new InvalidOperationException($"queue unreachable during {operation} (scripted)");
        }
    }

    private Entry Current(QueueMessage message, string operation)
    {
        var m = messages.SingleOrDefault(e => e.Id == message.MessageId)
            ?? throw new InvalidOperationException($"{operation}: message {message.MessageId} no longer exists");
        if (m.Receipt != message.ReceiptHandle)
        {
            throw new InvalidOperationException($"{operation}: receipt handle {message.ReceiptHandle} is stale (current {m.Receipt})");
        }

        return m;
    }

    private void WakeReceivers()
    {
        List<TaskCompletionSource> toWake;
        lock (gate)
        {
            toWake = [.. waiters];
        }

        // Outside the lock: a woken receiver may run on this thread and call back into the queue.
        foreach (var waiter in toWake)
        {
            waiter.TrySetResult();
        }
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (gate)
        {
            return [.. list];
        }
    }

    private sealed class Entry(string id, string body, DateTimeOffset sentAt)
    {
        public string Id { get; } = id;

        public string Body { get; } = body;

        public DateTimeOffset SentAt { get; } = sentAt;

        public DateTimeOffset VisibleAt { get; set; }

        public bool Delayed { get; set; }

        public int ReceiveCount { get; set; }

        public string? Receipt { get; set; }
    }
}
