namespace Shoal.Aws.Commands;

/// <summary>
/// One command on one instance, as GetCommandInvocation reports it. The inline output holds only the
/// first 24,000 characters of stdout (8,000 of stderr); the full output is in S3 when the command
/// had an output bucket.
/// </summary>
public sealed record SsmInvocation
{
    public required string CommandId { get; init; }

    public required string InstanceId { get; init; }

    public string? DocumentName { get; init; }

    public required SsmInvocationStatus Status { get; init; }

    /// <summary>The status exactly as SSM wrote it, for messages (and for <see cref="SsmInvocationStatus.Unknown"/>).</summary>
    public required string StatusText { get; init; }

    /// <summary>Finer than the status: DeliveryTimedOut vs ExecutionTimedOut, Undeliverable, Terminated, ...</summary>
    public string StatusDetails { get; init; } = "";

    /// <summary>The script's exit code; -1 when it never ran (or SSM has none).</summary>
    public int ResponseCode { get; init; } = -1;

    public string StandardOutputContent { get; init; } = "";

    public string StandardErrorContent { get; init; } = "";
}
