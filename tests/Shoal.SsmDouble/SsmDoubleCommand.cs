namespace Shoal.SsmDouble;

/// <summary>One invocation (a command on one instance) as the double sees it at the moment it was listed.</summary>
public sealed record SsmDoubleCommand
{
    public required string CommandId { get; init; }

    public required string InstanceId { get; init; }

    public required string DocumentName { get; init; }

    public string Comment { get; init; } = "";

    /// <summary>The <c>commands</c> parameter as sent (Shoal's environment preamble included).</summary>
    public required IReadOnlyList<string> Commands { get; init; }

    /// <summary>SSM's invocation status text: Pending, InProgress, Success, Failed, TimedOut, Cancelling, Cancelled.</summary>
    public required string Status { get; init; }

    public required string StatusDetails { get; init; }

    /// <summary>The script's exit code; -1 while it runs or when it never ran.</summary>
    public int ResponseCode { get; init; } = -1;

    public required DateTimeOffset SentAt { get; init; }

    /// <summary>When the agent started the script; null while Pending, or when it never started.</summary>
    public DateTimeOffset? Started { get; init; }

    /// <summary>When the invocation reached its terminal status; null until then.</summary>
    public DateTimeOffset? Ended { get; init; }

    /// <summary>The full stdout once terminal (not cut at 24,000 characters); empty before.</summary>
    public string StandardOutput { get; init; } = "";
}
