namespace Shoal.Core.Ports;

public sealed record CommandStatus(CommandState State, int? ExitCode = null, string? OutputTail = null, string? Detail = null)
{
    public bool IsTerminal => State is not (CommandState.Pending or CommandState.Running);
}
