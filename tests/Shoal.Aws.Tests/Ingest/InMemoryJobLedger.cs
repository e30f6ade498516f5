using Shoal.Core.Jobs;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Ingest;

/// <summary>A job table in memory with the ledger's compare-and-swap rule; Writes counts successful writes.</summary>
public sealed class InMemoryJobLedger : IJobLedger
{
    private readonly object gate = new();
    private readonly Dictionary<string, JobRecord> records = new(StringComparer.Ordinal);

    public int Writes { get; private set; }

    public IReadOnlyList<JobRecord> All
    {
        get
        {
            lock (gate)
            {
                return [.. records.Values];
            }
        }
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(records.GetValueOrDefault(jobId));
        }
    }

    public Task<bool> TryWriteAsync(JobRecord? previous, JobRecord next, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var stored = records.GetValueOrDefault(next.JobId);
            if (stored?.Version != previous?.Version || next.Version != (previous?.Version ?? 0) + 1)
            {
                return Task.FromResult(false);
            }

            records[next.JobId] = next;
            Writes++;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<JobRecord>> ListAsync(string? queue, JobStatus? status, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyList<JobRecord> found = records.Values
                .Where(r => (queue is null || r.Queue == queue) && (status is null || r.Status == status))
                .OrderBy(r => r.CreatedAt)
                .ToList();
            return Task.FromResult(found);
        }
    }

    public async Task<JobCounts> GetCountsAsync(string queue, CancellationToken cancellationToken)
    {
        var counts = JobCounts.Zero;
        foreach (var record in await ListAsync(queue, null, cancellationToken))
        {
            counts += JobCounts.Delta(null, record);
        }

        return counts;
    }
}
