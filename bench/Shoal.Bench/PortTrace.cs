using System.Collections.Concurrent;

namespace Shoal.Bench;

/// <summary>One port call as seen from outside the engine: which worker made it, what it was, when.</summary>
internal readonly record struct TraceSpan(string Worker, string Operation, long StartTicks, long EndTicks)
{
    public double Milliseconds => (EndTicks - StartTicks) / (double)TimeSpan.TicksPerMillisecond;
}

/// <summary>
/// Collects the port calls the engine makes, attributed to the worker loop that made them. The engine's
/// ports carry no worker id for queue and ledger calls, so attribution rides on an AsyncLocal that the
/// observer sets when a loop reports its phase: that call runs synchronously inside the loop's own
/// async flow, so every await below it in that loop inherits the value, and nothing else does.
/// Timestamps are UTC ticks from the same clock the engine uses (TimeProvider.System), so spans line up
/// with the observer's AttemptStarted/AttemptEnded times.
/// </summary>
internal sealed class PortTrace
{
    public const string PoolCaller = "pool";

    private static readonly AsyncLocal<string?> CurrentWorker = new();
    private readonly ConcurrentQueue<TraceSpan> spans = new();
    private readonly TimeProvider time;

    public PortTrace(TimeProvider time)
    {
        this.time = time;
    }

    public static string Caller => CurrentWorker.Value ?? PoolCaller;

    public static void EnterWorker(string workerId) => CurrentWorker.Value = workerId;

    public long Now() => time.GetUtcNow().UtcTicks;

    public void Add(string caller, string operation, long startTicks) => spans.Enqueue(new TraceSpan(caller, operation, startTicks, Now()));

    public IReadOnlyList<TraceSpan> Snapshot() => [.. spans];
}
