namespace Shoal.Core.Ports;

/// <summary>A failure of the platform, not of the job: it is retried without spending the job's budget.</summary>
public sealed class InfrastructureException(string reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Reason { get; } = reason;
}
