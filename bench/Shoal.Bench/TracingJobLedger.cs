using Shoal.Core.Jobs;
using Shoal.Core.Ports;

namespace Shoal.Bench;

/// <summary>Times every ledger call, naming each write by the transition it records.</summary>
internal sealed class TracingJobLedger(IJobLedger inner, PortTrace trace) : IJobLedger
{
    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            return await inner.GetAsync(jobId, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "ledger.Get", start);
        }
    }

    public async Task<bool> TryWriteAsync(JobRecord? previous, JobRecord next, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            return await inner.TryWriteAsync(previous, next, cancellationToken);
        }
        finally
        {
            trace.Add(caller, WriteName(previous, next), start);
        }
    }

    public async Task<IReadOnlyList<JobRecord>> ListAsync(string? queue, JobStatus? status, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            return await inner.ListAsync(queue, status, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "ledger.List", start);
        }
    }

    public async Task<JobCounts> GetCountsAsync(string queue, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            return await inner.GetCountsAsync(queue, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "ledger.GetCounts", start);
        }
    }

    // The worker loop writes the record three times per job (claim, command attached, outcome); telling
    // them apart shows which one costs what.
    private static string WriteName(JobRecord? previous, JobRecord next) => next.Status switch
    {
        JobStatus.Running when previous?.Status != JobStatus.Running => "ledger.Write(claim)",
        JobStatus.Running when next.CommandId is not null && previous?.CommandId is null => "ledger.Write(command)",
        JobStatus.Running => "ledger.Write(renew)",
        JobStatus.Succeeded => "ledger.Write(succeeded)",
        JobStatus.Failed => "ledger.Write(failed)",
        _ => "ledger.Write(" + next.Status.ToString().ToLowerInvariant() + ")",
    };
}
