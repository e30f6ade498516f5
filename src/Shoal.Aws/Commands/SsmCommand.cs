using Shoal.Core.Ports;

namespace Shoal.Aws.Commands;

/// <summary>What the runner remembers about a command it sent (or first saw after a restart).</summary>
internal sealed class SsmCommand(CommandHandle handle, string? document, S3Location? output, DateTimeOffset sentAt)
{
    public CommandHandle Handle { get; } = handle;

    /// <summary>Null for a command this process did not send; learned from the first invocation seen.</summary>
    public string? Document { get; set; } = document;

    public S3Location? Output { get; } = output;

    public DateTimeOffset SentAt { get; } = sentAt;

    /// <summary>The latest invocation seen: its inline stdout serves when S3 has none.</summary>
    public SsmInvocation? Last { get; set; }

    public DateTimeOffset? LastPolled { get; set; }

    /// <summary>Completed when an event says the invocation reached a terminal status: a waiting poll wakes early.</summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
