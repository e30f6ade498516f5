using Shoal.Core.Jobs;
using Shoal.Core.Ports;

namespace Shoal.Core.Tests.Fakes;

/// <summary>
/// An in-memory job table with real compare-and-swap on Version and counters kept by JobCounts.Delta.
/// History holds every successful write, so tests can count terminal writes per job.
/// </summary>
public sealed class FakeJobLedger(TimeProvider time, FakeEventLog? log = null) : IJobLedger
{
    private readonly object gate = new();
    private readonly Dictionary<string, JobRecord> records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobCounts> counts = new(StringComparer.Ordinal);
    private readonly List<JobRecord> history = [];
    private int failGets;
    private int failWrites;
    private int conflicts;

    public FakeEventLog Log { get; } = log ?? new FakeEventLog();

    public IReadOnlyList<JobRecord> History
    {
        get
        {
            lock (gate)
            {
                return [.. history];
            }
        }
    }

    /// <summary>Writes refused because the stored version had moved on.</summary>
    public int Conflicts
    {
        get
        {
            lock (gate)
            {
                return conflicts;
            }
        }
    }

    public JobRecord? this[string jobId]
    {
        get
        {
            lock (gate)
            {
                return records.GetValueOrDefault(jobId);
            }
        }
    }

    public IReadOnlyList<JobRecord> WritesOf(string jobId) => History.Where(r => r.JobId == jobId).ToList();

    public int TerminalWritesOf(string jobId) => History.Count(r => r.JobId == jobId && r.IsTerminal);

    public void FailNextGets(int times)
    {
        lock (gate)
        {
            failGets = times;
        }
    }

    public void FailNextWrites(int times)
    {
        lock (gate)
        {
            failWrites = times;
        }
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (failGets > 0)
            {
                failGets--;
                throw new InvalidOperationException("ledger unreachable (scripted)");
            }

            return Task.FromResult(records.GetValueOrDefault(jobId));
        }
    }

    public Task<bool> TryWriteAsync(JobRecord? previous, JobRecord next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (previous is not null && previous.JobId != next.JobId)
        {
            throw new ArgumentException($"write of {next.JobId} names a previous record of {previous.JobId}");
        }

        // A version that does not follow its predecessor is a bug in the engine, not a race: fail loudly.
        var expected = (previous?.Version ?? 0) + 1;
        if (next.Version != expected)
        {
            throw new ArgumentException($"write of {next.JobId} has version {next.Version}, expected {expected}");
        }

        lock (gate)
        {
            if (failWrites > 0)
            {
                failWrites--;
                throw new InvalidOperationException("ledger unreachable (scripted)");
            }

            var stored = records.GetValueOrDefault(next.JobId);
            var matches = previous is null ? stored is null : stored is not null && stored.Version == previous.Version;
            if (!matches)
            {
                conflicts++;
                Log.Record(time.GetUtcNow(), "ledger", $"conflict {next.JobId} v{next.Version}");
                return Task.FromResult(false);
            }

            records[next.JobId] = next;
            counts[next.Queue] = counts.GetValueOrDefault(next.Queue, JobCounts.Zero) + JobCounts.Delta(stored, next);
            history.Add(next);
            Log.Record(time.GetUtcNow(), "ledger", $"write {next.JobId} {next.Status}");
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<JobRecord>> ListAsync(string? queue, JobStatus? status, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyList<JobRecord> list = records.Values
                .Where(r => (queue is null || r.Queue == queue) && (status is null || r.Status == status))
                .OrderBy(r => r.CreatedAt)
                .ThenBy(r => r.JobId, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(list);
        }
    }

    public Task<JobCounts> GetCountsAsync(string queue, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(counts.GetValueOrDefault(queue, JobCounts.Zero));
        }
    }
}
