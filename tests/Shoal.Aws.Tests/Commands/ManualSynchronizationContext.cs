namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// A single-threaded context that runs posted continuations only when the test pumps it. Code started
/// through <see cref="Run{T}"/> captures this context at every await (the engine does not use
/// ConfigureAwait), so each continuation, whoever completes the awaited task (a fake timer inside
/// FakeTimeProvider.Advance, a cancellation, a fake port), waits here until <see cref="Pump"/>: the
/// engine never runs concurrently with the test, and a pump that returns means it is parked.
/// A copy of the one in Shoal.Core.Tests, which this project does not reference.
/// </summary>
public sealed class ManualSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> work = new();

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (work)
        {
            work.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("the engine under test must not block on this context");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Starts <paramref name="start"/> on this context, then runs everything it posted.</summary>
    public T Run<T>(Func<T> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            return start();
        }
        finally
        {
            SetSynchronizationContext(previous);
            Pump();
        }
    }

    /// <summary>Runs posted continuations until none is left; returns how many ran.</summary>
    public int Pump(int limit = 1_000_000)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            var ran = 0;
            while (true)
            {
                (SendOrPostCallback Callback, object? State) next;
                lock (work)
                {
                    if (!work.TryDequeue(out next))
                    {
                        return ran;
                    }
                }

                next.Callback(next.State);
                if (++ran > limit)
                {
                    throw new InvalidOperationException($"more than {limit} continuations without the engine parking: a busy loop?");
                }
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
