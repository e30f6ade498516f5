namespace Shoal.Aws.Commands;

/// <summary>The invocation statuses of GetCommandInvocation; <see cref="Unknown"/> for one the SDK adds later.</summary>
public enum SsmInvocationStatus
{
    Unknown,
    Pending,
    InProgress,
    Delayed,
    Success,
    Cancelled,
    Cancelling,
    TimedOut,
    Failed,
    Undeliverable,
    Terminated,
}
