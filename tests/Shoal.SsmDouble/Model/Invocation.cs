using Shoal.SsmDouble.Scripts;

namespace Shoal.SsmDouble.Model;

/// <summary>
/// One command on one instance. Its fate is computed from the script's plan and the few things that
/// can happen to it from outside (a cancel, the instance going away), each recorded with the moment it
/// happened; <see cref="StateAt"/> is then a pure function of time. Mutations take the lock.
/// </summary>
internal sealed class Invocation
{
    // The Linux agent's exit code for a script it had to kill (128 + SIGKILL), on a timeout or a cancel;
    // it also reads a script's own exit 137 as a timeout.
    public const int StoppedExitCode = 137;

    private readonly Lock gate = new();
    private DateTimeOffset? cancelledAt;
    private DateTimeOffset? lostAt;
    private DateTimeOffset? lostEnd;
    private Task? upload;

    public required string CommandId { get; init; }

    public required string InstanceId { get; init; }

    public required string DocumentName { get; init; }

    public string Comment { get; init; } = "";

    public required IReadOnlyList<string> Commands { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters { get; init; }

    public required ScriptPlan Plan { get; init; }

    public required DateTimeOffset SentAt { get; init; }

    /// <summary>When the agent picks the command up: Pending until then, InProgress after.</summary>
    public required DateTimeOffset DeliveredAt { get; init; }

    public required TimeSpan ExecutionTimeout { get; init; }

    /// <summary>SendCommand's TimeoutSeconds.</summary>
    public required TimeSpan DeliveryTimeout { get; init; }

    public string? OutputBucket { get; init; }

    public string? OutputKeyPrefix { get; init; }

    /// <summary>True once the instance was found gone: nothing more will be heard from its agent, so there is nothing more to check.</summary>
    public bool IsLost
    {
        get
        {
            lock (gate)
            {
                return lostAt is not null;
            }
        }
    }

    public InvocationState StateAt(DateTimeOffset now)
    {
        lock (gate)
        {
            return Evaluate(now);
        }
    }

    /// <summary>CancelCommand: stops an unfinished invocation now; a finished one is left as it is, as SSM does.</summary>
    public void Cancel(DateTimeOffset now)
    {
        lock (gate)
        {
            if (cancelledAt is null && !Evaluate(now).IsTerminal)
            {
                cancelledAt = now;
            }
        }
    }

    /// <summary>
    /// The instance is gone (terminated, stopped, unknown to EC2). The agent will never report again,
    /// so SSM leaves the invocation InProgress until the delivery timeout plus the execution timeout
    /// has passed and then calls it DeliveryTimedOut (the AWS user guide, "Understanding command
    /// statuses"); <paramref name="lostTimeout"/>, when set, ends it that long after now instead.
    /// </summary>
    public void MarkLost(DateTimeOffset now, TimeSpan? lostTimeout)
    {
        lock (gate)
        {
            if (lostAt is not null || Evaluate(now).IsTerminal)
            {
                return;
            }

            var asAws = SentAt + DeliveryTimeout + ExecutionTimeout;
            var end = lostTimeout is { } timeout ? now + timeout : asAws;
            lostAt = now;
            lostEnd = end < now ? now : end;
        }
    }

    /// <summary>Starts the output upload once; later callers get the same task.</summary>
    public Task UploadOnce(Func<Task> start)
    {
        lock (gate)
        {
            return upload ??= start();
        }
    }

    private InvocationState Evaluate(DateTimeOffset now) =>
        lostAt is { } lost ? LostStateAt(now, lost, lostEnd!.Value) : StateAtLocked(now);

    private InvocationState StateAtLocked(DateTimeOffset now)
    {
        // The earliest of: the script's own end, its execution timeout, a cancel.
        var naturalEnd = DeliveredAt + Plan.Duration;
        var timeoutAt = DeliveredAt + ExecutionTimeout;
        var end = naturalEnd <= timeoutAt ? naturalEnd : timeoutAt;
        if (cancelledAt is { } cancelled && cancelled < end)
        {
            end = cancelled;
        }

        var started = now >= DeliveredAt ? DeliveredAt : (DateTimeOffset?)null;
        if (now < end)
        {
            return started is null
                ? new InvocationState("Pending", "Pending", -1, "", null, null)
                : new InvocationState("InProgress", "InProgress", -1, "", started, null);
        }

        if (cancelledAt == end)
        {
            // Cancelled before the agent had it: nothing ran.
            return end < DeliveredAt
                ? new InvocationState("Cancelled", "Cancelled", -1, "", null, end)
                : new InvocationState("Cancelled", "Cancelled", StoppedExitCode, Plan.StdoutBefore(end - DeliveredAt), DeliveredAt, end);
        }

        if (end == naturalEnd)
        {
            return Plan.ExitCode switch
            {
                0 => new InvocationState("Success", "Success", 0, Plan.Stdout, DeliveredAt, end),
                StoppedExitCode => new InvocationState("TimedOut", "ExecutionTimedOut", StoppedExitCode, Plan.Stdout, DeliveredAt, end),
                var code => new InvocationState("Failed", "Failed", code, Plan.Stdout, DeliveredAt, end),
            };
        }

        return new InvocationState("TimedOut", "ExecutionTimedOut", StoppedExitCode, Plan.StdoutBefore(ExecutionTimeout), DeliveredAt, end);
    }

    private InvocationState LostStateAt(DateTimeOffset now, DateTimeOffset lost, DateTimeOffset end)
    {
        // Whatever the script wrote never reached SSM: the agent reports output only at the end.
        var started = lost >= DeliveredAt ? DeliveredAt : (DateTimeOffset?)null;
        if (now >= end)
        {
            return new InvocationState("TimedOut", "DeliveryTimedOut", -1, "", started, end);
        }

        if (cancelledAt is not null)
        {
            // The cancel cannot reach the agent either.
            return new InvocationState("Cancelling", "Cancelling", -1, "", started, null);
        }

        return now < DeliveredAt
            ? new InvocationState("Pending", "Pending", -1, "", null, null)
            : new InvocationState("InProgress", "InProgress", -1, "", DeliveredAt, null);
    }
}
