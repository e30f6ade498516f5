using System.Collections.Concurrent;

namespace Shoal.Core.Workers;

/// <summary>
/// Drains with a deadline: a drained worker may finish its job, but one still running it when the
/// deadline passes is interrupted, which cancels the command (SSM CancelCommand on AWS) and requeues the
/// job without spending its retry budget. For drains that cannot wait for any job however long (a
/// scheduled instance retirement, a scale-in with a bound). Interrupts pass straight through.
/// </summary>
public sealed class DeadlineDrains(IWorkerSignals workers, TimeProvider time, TimeSpan deadline) : IWorkerSignals, IDisposable
{
    public const string Reason = "DrainDeadline";

    private readonly ConcurrentDictionary<string, ITimer> timers = new(StringComparer.Ordinal);

    public TimeSpan Deadline { get; } = deadline > TimeSpan.Zero
        ? deadline
        : throw new ArgumentOutOfRangeException(nameof(deadline), deadline, "a drain deadline must be positive; to stop a job at once, interrupt the worker instead");

    public bool Interrupt(string workerId, string reason) => workers.Interrupt(workerId, reason);

    /// <summary>False, and no deadline, for a worker this host does not run. A second drain keeps the first deadline.</summary>
    public bool Drain(string workerId, string reason)
    {
        if (!workers.Drain(workerId, reason))
        {
            return false;
        }

        timers.GetOrAdd(workerId, id => time.CreateTimer(
            _ =>
            {
                // A worker that finished its job has retired (false) or is retiring: interrupting it is harmless.
                workers.Interrupt(id, Reason);
                if (timers.TryRemove(id, out var fired))
                {
                    fired.Dispose();
                }
            },
            null,
            Deadline,
            Timeout.InfiniteTimeSpan));
        return true;
    }

    public void Dispose()
    {
        foreach (var timer in timers.Values)
        {
            timer.Dispose();
        }

        timers.Clear();
    }
}
