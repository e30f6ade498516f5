using Shoal.Core.Jobs;

namespace Shoal.Core.Ports;

/// <summary>Per-queue counters. Jobs counts every job the ledger knows; Invalid is a subset of Failed.</summary>
public sealed record JobCounts
{
    public long Jobs { get; init; }
    public long Queued { get; init; }
    public long Running { get; init; }
    public long Succeeded { get; init; }
    public long Failed { get; init; }
    public long Invalid { get; init; }
    public long Attempts { get; init; }
    public long Interruptions { get; init; }

    public static JobCounts Zero { get; } = new();

    /// <summary>What replacing <paramref name="previous"/> with <paramref name="next"/> changes in the counters.</summary>
    public static JobCounts Delta(JobRecord? previous, JobRecord next) => Of(next) - (previous is null ? Zero : Of(previous));

    public static JobCounts operator +(JobCounts a, JobCounts b) => new()
    {
        Jobs = a.Jobs + b.Jobs,
        Queued = a.Queued + b.Queued,
        Running = a.Running + b.Running,
        Succeeded = a.Succeeded + b.Succeeded,
        Failed = a.Failed + b.Failed,
        Invalid = a.Invalid + b.Invalid,
        Attempts = a.Attempts + b.Attempts,
        Interruptions = a.Interruptions + b.Interruptions,
    };

    public static JobCounts operator -(JobCounts a, JobCounts b) => a + new JobCounts
    {
        Jobs = -b.Jobs,
        Queued = -b.Queued,
        Running = -b.Running,
        Succeeded = -b.Succeeded,
        Failed = -b.Failed,
        Invalid = -b.Invalid,
        Attempts = -b.Attempts,
        Interruptions = -b.Interruptions,
    };

    private static JobCounts Of(JobRecord r) => new()
    {
        Jobs = 1,
        Queued = r.Status == JobStatus.Queued ? 1 : 0,
        Running = r.Status == JobStatus.Running ? 1 : 0,
        Succeeded = r.Status == JobStatus.Succeeded ? 1 : 0,
        Failed = r.Status == JobStatus.Failed ? 1 : 0,
        Invalid = r.Status == JobStatus.Failed && r.Reason == JobReasons.InvalidJob ? 1 : 0,
        Attempts = r.Attempts,
        Interruptions = r.Interruptions,
    };
}
