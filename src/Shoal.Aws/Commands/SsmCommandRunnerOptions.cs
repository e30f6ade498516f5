namespace Shoal.Aws.Commands;

public sealed record SsmCommandRunnerOptions
{
    /// <summary>SSM's bounds for executionTimeout in AWS-RunShellScript / AWS-RunPowerShellScript.</summary>
    public static readonly TimeSpan MaxExecutionTimeout = TimeSpan.FromSeconds(172_800);

    /// <summary>
    /// Where the agent uploads full stdout and stderr. Without it, a success string can be checked only
    /// against the first 24,000 characters SSM returns inline, and the check fails (OutputUnreadable)
    /// rather than guess when the string is not in them. A job's own output_s3_prefix wins.
    /// </summary>
    public string? OutputBucket { get; init; }

    public string? OutputKeyPrefix { get; init; }

    /// <summary>How long SendCommand may answer InvalidInstanceId (agent not registered yet), counted from the first time it did for a worker.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan ReadinessRetryFirst { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan ReadinessRetryMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// For jobs without timeout_seconds. The documents' own default is 1 hour, which killed the seed's
    /// long jobs; SSM allows at most 48 hours.
    /// </summary>
    public TimeSpan DefaultExecutionTimeout { get; init; } = TimeSpan.FromHours(12);

    /// <summary>SendCommand's TimeoutSeconds: how long SSM tries to deliver before the invocation is Undeliverable/DeliveryTimedOut.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public bool CloudWatchOutputEnabled { get; init; }

    /// <summary>GetCommandInvocation is eventually consistent: InvocationDoesNotExist this soon after SendCommand means "not yet".</summary>
    public TimeSpan InvocationVisibilityGrace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long to wait for the agent's upload of stdout to S3 after the command ended.</summary>
    public TimeSpan OutputUploadGrace { get; init; } = TimeSpan.FromSeconds(30);

    public int OutputTailChars { get; init; } = 4000;

    /// <summary>
    /// While SSM status-change events arrive (<see cref="CommandEventSource"/>), a running command is
    /// polled only this often, as a safety net for an event that was lost; the event wakes the wait.
    /// </summary>
    public TimeSpan PollIntervalWithEvents { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Throws with every problem at once, worded for the person who configured it.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (OutputBucket is not null && S3Location.TryParse("s3://" + OutputBucket) is null)
        {
            errors.Add($"output bucket \"{OutputBucket}\" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)");
        }

        if (OutputKeyPrefix is not null && OutputBucket is null)
        {
            errors.Add("an output key prefix needs an output bucket");
        }

        if (OutputKeyPrefix is { Length: > 500 })
        {
            errors.Add($"output key prefix is {OutputKeyPrefix.Length} characters; SSM allows 500");
        }

        Positive(ReadinessTimeout, "readiness timeout", errors);
        Positive(ReadinessRetryFirst, "readiness retry interval", errors);
        if (ReadinessRetryMax < ReadinessRetryFirst)
        {
            errors.Add("the longest readiness retry interval is shorter than the first");
        }

        if (DefaultExecutionTimeout < TimeSpan.FromSeconds(1) || DefaultExecutionTimeout > MaxExecutionTimeout)
        {
            errors.Add($"default execution timeout {DefaultExecutionTimeout} is outside SSM's 1 s to 48 h");
        }

        if (DeliveryTimeout < TimeSpan.FromSeconds(30) || DeliveryTimeout > TimeSpan.FromDays(30))
        {
            errors.Add($"delivery timeout {DeliveryTimeout} is outside SSM's 30 s to 30 days");
        }

        Positive(InvocationVisibilityGrace, "invocation visibility grace", errors);
        if (OutputUploadGrace < TimeSpan.Zero)
        {
            errors.Add("output upload grace is negative");
        }

        Positive(PollIntervalWithEvents, "poll interval with events", errors);
        if (OutputTailChars <= 0)
        {
            errors.Add("output tail length must be positive");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid SSM command runner options: " + string.Join("; ", errors));
        }
    }

    private static void Positive(TimeSpan value, string name, List<string> errors)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name} must be positive, got {value}");
        }
    }
}
