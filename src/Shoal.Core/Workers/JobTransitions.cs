using Shoal.Core.Jobs;

namespace Shoal.Core.Workers;

/// <summary>
/// Every change a job record can go through, as pure functions. The ledger stores the results with
/// compare-and-swap, so these rules hold the same way on SQLite and on DynamoDB.
/// </summary>
public static class JobTransitions
{
    public const int MaxMessageLength = 300;

    public static JobRecord Registered(string queue, JobSpec spec, string body, DateTimeOffset now) => new()
    {
        JobId = spec.JobId,
        Queue = queue,
        Status = JobStatus.Queued,
        Retry = spec.Retry,
        Body = body,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
    };

    /// <summary>
    /// Decides whether <paramref name="worker"/> may run the job. A Running record whose lease has
    /// expired belonged to a worker that died: that attempt counts as an interruption, not a failure.
    /// </summary>
    public static ClaimDecision Claim(
        JobRecord? existing, string queue, JobSpec spec, string body, string worker, DateTimeOffset now, TimeSpan lease, int maxInterruptions)
    {
        if (existing is { IsTerminal: true })
        {
            return new ClaimDecision(ClaimKind.AlreadyTerminal, existing, null);
        }

        if (existing is { Status: JobStatus.Running } && existing.LeaseExpiresAt > now)
        {
            return new ClaimDecision(ClaimKind.HeldByOther, existing, null);
        }

        var baseline = existing ?? Registered(queue, spec, body, now) with { Version = 0 };
        if (existing is { Status: JobStatus.Running })
        {
            var lost = baseline with
            {
                Interruptions = baseline.Interruptions + 1,
                Reason = JobReasons.WorkerLost,
                Message = Trim($"worker {existing.LeaseOwner} stopped renewing its lease during attempt {existing.Attempts}"),
            };
            if (lost.Interruptions > maxInterruptions)
            {
                return new ClaimDecision(ClaimKind.InfrastructureExhausted, existing, Terminal(lost, JobStatus.Failed, JobReasons.InfrastructureRetriesExhausted,
                    $"lost {lost.Interruptions} attempts to infrastructure failures (limit {maxInterruptions}); last: {lost.Message}", now));
            }

            baseline = lost;
        }

        return new ClaimDecision(ClaimKind.Claimed, existing, baseline with
        {
            Status = JobStatus.Running,
            Queue = queue,
            Retry = spec.Retry,
            Body = body,
            Attempts = baseline.Attempts + 1,
            Worker = worker,
            LeaseOwner = worker,
            LeaseExpiresAt = now + lease,
            CommandId = null,
            StartedAt = now,
            UpdatedAt = now,
            Version = baseline.Version + 1,
        });
    }

    public static JobRecord Renewed(JobRecord current, DateTimeOffset now, TimeSpan lease, string? commandId = null) => current with
    {
        LeaseExpiresAt = now + lease,
        CommandId = commandId ?? current.CommandId,
        UpdatedAt = now,
        Version = current.Version + 1,
    };

    public static JobRecord Succeeded(JobRecord current, int? exitCode, string? outputTail, DateTimeOffset now) =>
        Terminal(current with { ExitCode = exitCode, OutputTail = outputTail }, JobStatus.Succeeded, JobReasons.Succeeded,
            $"attempt {current.Attempts} succeeded", now);

    /// <summary>A failure of the job itself: it spends the retry budget (retry N allows N+1 failing attempts).</summary>
    public static JobRecord Failed(JobRecord current, string reason, string message, int? exitCode, string? outputTail, DateTimeOffset now)
    {
        var failures = current.Failures + 1;
        var next = current with { Failures = failures, ExitCode = exitCode, OutputTail = outputTail };
        var allowed = current.Retry + 1;
        return failures >= allowed
            ? Terminal(next, JobStatus.Failed, reason, $"{message}; failed {failures} of {allowed} allowed attempts (retry {current.Retry})", now)
            : Requeued(next, reason, $"{message}; will retry ({failures} of {allowed} allowed attempts failed)", now);
    }

    /// <summary>A failure of the platform: requeued without spending the retry budget, up to its own cap.</summary>
    public static JobRecord Interrupted(JobRecord current, string reason, string message, int maxInterruptions, DateTimeOffset now)
    {
        var next = current with { Interruptions = current.Interruptions + 1 };
        return next.Interruptions > maxInterruptions
            ? Terminal(next, JobStatus.Failed, JobReasons.InfrastructureRetriesExhausted,
                $"lost {next.Interruptions} attempts to infrastructure failures (limit {maxInterruptions}); last: {reason}: {message}", now)
            : Requeued(next, reason, message, now);
    }

    /// <summary>A poison message: terminal at once, with the parse errors and the raw body kept.</summary>
    public static JobRecord Invalid(JobRecord? existing, string queue, string jobId, string body, string errors, DateTimeOffset now) => new()
    {
        JobId = jobId,
        Queue = queue,
        Status = JobStatus.Failed,
        Reason = JobReasons.InvalidJob,
        Message = Trim(errors),
        Body = body,
        CreatedAt = existing?.CreatedAt ?? now,
        UpdatedAt = now,
        FinishedAt = now,
        Version = (existing?.Version ?? 0) + 1,
    };

    /// <summary>
    /// The holder is known to be dead (its process is gone): end its lease now, so the next claim
    /// counts the lost attempt as an interruption instead of waiting for the lease to run out.
    /// </summary>
    public static JobRecord LeaseRevoked(JobRecord current, DateTimeOffset now) => current with
    {
        LeaseExpiresAt = now,
        UpdatedAt = now,
        Version = current.Version + 1,
    };

    private static JobRecord Requeued(JobRecord current, string reason, string message, DateTimeOffset now) => current with
    {
        Status = JobStatus.Queued,
        Reason = reason,
        Message = Trim(message),
        LeaseOwner = null,
        LeaseExpiresAt = null,
        CommandId = null,
        UpdatedAt = now,
        Version = current.Version + 1,
    };

    private static JobRecord Terminal(JobRecord current, JobStatus status, string reason, string message, DateTimeOffset now) => current with
    {
        Status = status,
        Reason = reason,
        Message = Trim(message),
        LeaseOwner = null,
        LeaseExpiresAt = null,
        FinishedAt = now,
        UpdatedAt = now,
        Version = current.Version + 1,
    };

    private static string Trim(string message) => message.Length <= MaxMessageLength ? message : message[..(MaxMessageLength - 3)] + "...";
}
