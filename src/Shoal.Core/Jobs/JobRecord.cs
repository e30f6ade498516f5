namespace Shoal.Core.Jobs;

/// <summary>
/// A job as the ledger knows it. Attempts counts every start; Failures counts the attempts that spent
/// the retry budget; Interruptions counts attempts lost to infrastructure, which never spend it.
/// </summary>
public sealed record JobRecord
{
    public required string JobId { get; init; }

    public required string Queue { get; init; }

    public required JobStatus Status { get; init; }

    public int Attempts { get; init; }

    public int Failures { get; init; }

    public int Interruptions { get; init; }

    /// <summary>The retry field of the job: Failures may reach Retry + 1 before the job fails for good.</summary>
    public int Retry { get; init; }

    public string? Worker { get; init; }

    public string? LeaseOwner { get; init; }

    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The runner's handle of the attempt in flight, so a restarted host can re-attach to it.</summary>
    public string? CommandId { get; init; }

    public int? ExitCode { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public string? OutputTail { get; init; }

    /// <summary>The message body as received; for an invalid job, the raw text that failed to parse.</summary>
    public string? Body { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Optimistic-concurrency version: every ledger write names the version it replaces.</summary>
    public long Version { get; init; }

    public bool IsTerminal => Status is JobStatus.Succeeded or JobStatus.Failed;
}
