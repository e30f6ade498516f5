using Shoal.Core.Ports;

namespace Shoal.Aws.Commands;

/// <summary>
/// GetCommandInvocation → the engine's <see cref="CommandStatus"/>. Every status has a deliberate
/// answer (the seed left Cancelling unmapped, raised, and read the exception as success), and the
/// finer StatusDetails wins where it says the script never ran.
/// </summary>
internal static class SsmStatusMapper
{
    public static CommandStatus Map(SsmInvocation invocation, int tailChars)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var tail = SsmInlineOutput.Tail(invocation.StandardOutputContent, tailChars);
        var details = invocation.StatusDetails;

        // Delivery failures are reported under Status TimedOut or Failed; what matters is that the
        // script did not run, which is the platform's failure and must not spend the job's budget.
        if (Is(details, "DeliveryTimedOut") || Is(details, "Undeliverable"))
        {
            return new CommandStatus(CommandState.Undeliverable, Detail: Describe(invocation, "the command never reached the SSM agent"));
        }

        if (Is(details, "Terminated"))
        {
            return new CommandStatus(CommandState.WorkerLost, Detail: Describe(invocation, "SSM stopped the invocation"));
        }

        return invocation.Status switch
        {
            SsmInvocationStatus.Pending or SsmInvocationStatus.InProgress or SsmInvocationStatus.Delayed => new CommandStatus(CommandState.Running),

            // The script ran to its end: its exit status is the verdict, whatever it is.
            SsmInvocationStatus.Success => new CommandStatus(CommandState.Completed, invocation.ResponseCode, tail),
            SsmInvocationStatus.Failed when invocation.ResponseCode >= 0 => new CommandStatus(CommandState.Completed, invocation.ResponseCode, tail, Describe(invocation, null)),

            // Failed without an exit code: the agent could not run the script at all (bad working
            // directory, missing interpreter, agent error). Nothing of the job ran.
            SsmInvocationStatus.Failed => new CommandStatus(CommandState.Undeliverable, Detail: Describe(invocation, "the SSM agent could not run the script")),

            SsmInvocationStatus.TimedOut => new CommandStatus(CommandState.TimedOut, invocation.ResponseCode >= 0 ? invocation.ResponseCode : null, tail,
                Describe(invocation, "SSM stopped the script at its executionTimeout")),

            // Once a cancel is under way the outcome is decided; waiting for Cancelled could block the
            // worker for as long as the agent is unreachable.
            SsmInvocationStatus.Cancelling or SsmInvocationStatus.Cancelled => new CommandStatus(CommandState.Cancelled, Detail: Describe(invocation, "the command was cancelled")),

            SsmInvocationStatus.Undeliverable => new CommandStatus(CommandState.Undeliverable, Detail: Describe(invocation, "the command never reached the SSM agent")),
            SsmInvocationStatus.Terminated => new CommandStatus(CommandState.WorkerLost, Detail: Describe(invocation, "SSM stopped the invocation")),

            // Never guess, least of all "success": the engine retries a poll that throws and gives the
            // attempt up as lost if it keeps failing.
            _ => throw new InvalidOperationException($"SSM reported status \"{invocation.StatusText}\" ({details}) for command {invocation.CommandId} on {invocation.InstanceId}, which Shoal does not know"),
        };
    }

    private static bool Is(string details, string value) => string.Equals(details.Replace(" ", "", StringComparison.Ordinal), value, StringComparison.OrdinalIgnoreCase);

    private static string Describe(SsmInvocation invocation, string? what)
    {
        var status = invocation.StatusDetails.Length > 0 && invocation.StatusDetails != invocation.StatusText
            ? $"{invocation.StatusText} ({invocation.StatusDetails})"
            : invocation.StatusText;
        var text = what is null ? $"SSM status {status}" : $"{what}: SSM status {status}";
        var stderr = invocation.StandardErrorContent.Trim();
        return stderr.Length == 0 ? text : $"{text}; stderr: {(stderr.Length > 300 ? stderr[..300] + "..." : stderr)}";
    }
}
