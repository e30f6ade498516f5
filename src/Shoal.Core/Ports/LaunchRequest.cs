namespace Shoal.Core.Ports;

/// <summary>
/// ClientToken makes a retried launch idempotent: the same token never launches twice.
/// </summary>
public sealed record LaunchRequest(string Pool, string Queue, int Count, string ClientToken);
