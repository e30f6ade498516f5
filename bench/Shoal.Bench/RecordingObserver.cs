using System.Collections.Concurrent;
using Shoal.Core.Jobs;
using Shoal.Core.Workers;

namespace Shoal.Bench;

/// <summary>One attempt on one worker, as the engine reported it.</summary>
internal sealed record AttemptTimes(string Worker, string JobId, int Attempt, long StartedTicks)
{
    /// <summary>AttemptEnded's commandEndedAt: when the loop saw the command finish.</summary>
    public long? EndedTicks { get; set; }

    /// <summary>When AttemptEnded was called: after the outcome was written and the message completed.</summary>
    public long? RecordedTicks { get; set; }

    public AttemptOutcome? Outcome { get; set; }
}

/// <summary>
/// Records per-worker AttemptStarted/AttemptEnded timestamps (the engine's own, taken from its
/// TimeProvider) and every error. Called inline from the worker loops, so it only appends under a lock.
/// </summary>
internal sealed class RecordingObserver(TimeProvider time) : IEngineObserver
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string Worker, string JobId, int Attempt), AttemptTimes> attempts = [];
    private readonly ConcurrentDictionary<string, long> launchedAt = new();
    private readonly ConcurrentQueue<string> errors = new();
    private int rejected;
    private int unmatchedEnds;

    public int Rejected => Volatile.Read(ref rejected);

    public int UnmatchedEnds => Volatile.Read(ref unmatchedEnds);

    public IReadOnlyCollection<string> Errors => errors;

    public IReadOnlyDictionary<string, long> LaunchedAt => launchedAt;

    public void WorkerPhaseChanged(string workerId, WorkerPhase phase, string? detail)
    {
        if (phase == WorkerPhase.Launching)
        {
            // Reported from the pool's flow, not the worker's: must not tag the pool's calls with a worker.
            launchedAt.TryAdd(workerId, time.GetUtcNow().UtcTicks);
            return;
        }

        PortTrace.EnterWorker(workerId);
    }

    public void AttemptStarted(string workerId, JobRecord job, DateTimeOffset at)
    {
        lock (gate)
        {
            attempts[(workerId, job.JobId, job.Attempts)] = new AttemptTimes(workerId, job.JobId, job.Attempts, at.UtcTicks);
        }
    }

    public void AttemptEnded(string workerId, JobRecord job, AttemptOutcome outcome, DateTimeOffset commandEndedAt)
    {
        var recorded = time.GetUtcNow().UtcTicks;
        lock (gate)
        {
            if (!attempts.TryGetValue((workerId, job.JobId, job.Attempts), out var attempt))
            {
                // An attempt that ended before it started (claim refused, infrastructure cap): no span.
                unmatchedEnds++;
                return;
            }

            attempt.EndedTicks = commandEndedAt.UtcTicks;
            attempt.RecordedTicks = recorded;
            attempt.Outcome = outcome;
        }
    }

    public void JobRejected(string workerId, JobRecord job) => Interlocked.Increment(ref rejected);

    public void WorkerError(string workerId, string operation, Exception error) =>
        errors.Enqueue($"{workerId} {operation}: {error.GetType().Name}: {error.Message}");

    public IReadOnlyList<AttemptTimes> Attempts()
    {
        lock (gate)
        {
            return [.. attempts.Values.OrderBy(a => a.StartedTicks)];
        }
    }
}
