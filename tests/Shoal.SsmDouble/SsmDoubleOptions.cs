namespace Shoal.SsmDouble;

public sealed record SsmDoubleOptions
{
    /// <summary>moto (or any AWS-shaped server): every request the double does not serve goes there, and it is asked about EC2 instances and given S3 output.</summary>
    public required Uri Upstream { get; init; }

    /// <summary>0 takes a free port; <see cref="SsmDoubleServer.BaseAddress"/> says which.</summary>
    public int Port { get; init; }

    public string Region { get; init; } = "us-east-1";

    /// <summary>The double's only clock: statuses, timeouts and registration all read it, so a FakeTimeProvider drives everything.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long an invocation stays Pending before the "agent" picks it up (InProgress).</summary>
    public TimeSpan DeliveryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long after the double first sees an instance running in EC2 its agent counts as registered;
    /// until then SendCommand answers InvalidInstanceId, as SSM does for an agent that has not
    /// registered yet.
    /// </summary>
    public TimeSpan AgentRegistrationDelay { get; init; } = TimeSpan.Zero;

    /// <summary>GetCommandInvocation answers InvocationDoesNotExist this long after SendCommand (SSM is eventually consistent).</summary>
    public TimeSpan InvocationVisibilityLag { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// When an instance disappears under an unfinished invocation, SSM leaves it InProgress until the
    /// delivery timeout plus the execution timeout has passed, then reports TimedOut (DeliveryTimedOut).
    /// Null (the default) does exactly that; a value ends it as DeliveryTimedOut that long after the
    /// double notices instead, so a test need not wait hours.
    /// </summary>
    public TimeSpan? TerminatedInstanceTimeout { get; init; }

    /// <summary>How often the double looks in EC2 for instances gone from under unfinished invocations, and uploads finished outputs nobody asked for.</summary>
    public TimeSpan InstanceCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Log requests and problems to stderr (the standalone process does).</summary>
    public bool LogToConsole { get; init; }

    /// <summary>Throws with every problem at once.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (Upstream is null || !Upstream.IsAbsoluteUri || (Upstream.Scheme != Uri.UriSchemeHttp && Upstream.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"upstream \"{Upstream}\" is not an http(s) URL: give moto's address, like http://127.0.0.1:5000");
        }

        if (Port is < 0 or > 65_535)
        {
            errors.Add($"port {Port} is outside 0-65535 (0 takes a free port)");
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            errors.Add("region is empty");
        }

        if (Time is null)
        {
            errors.Add("time provider is null");
        }

        foreach (var (value, name) in new[] { (DeliveryDelay, "delivery delay"), (AgentRegistrationDelay, "agent registration delay"), (InvocationVisibilityLag, "invocation visibility lag") })
        {
            if (value < TimeSpan.Zero)
            {
                errors.Add($"{name} is negative ({value})");
            }
        }

        if (TerminatedInstanceTimeout < TimeSpan.Zero)
        {
            errors.Add($"terminated-instance timeout is negative ({TerminatedInstanceTimeout})");
        }

        if (InstanceCheckInterval <= TimeSpan.Zero)
        {
            errors.Add($"instance check interval must be positive, got {InstanceCheckInterval}");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid SSM double options: " + string.Join("; ", errors));
        }
    }
}
