namespace Shoal.SsmDouble.Model;

/// <summary>One invocation as GetCommandInvocation reports it at one moment.</summary>
internal sealed record InvocationState(
    string Status,
    string StatusDetails,
    int ResponseCode,
    string Stdout,
    DateTimeOffset? Started,
    DateTimeOffset? Ended)
{
    public bool IsTerminal => Ended is not null;
}
