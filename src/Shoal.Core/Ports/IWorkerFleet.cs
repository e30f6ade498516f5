namespace Shoal.Core.Ports;

/// <summary>Where workers come from: EC2 instances on AWS, local sandboxes in the embedded mode.</summary>
public interface IWorkerFleet
{
    /// <summary>
    /// Launches up to request.Count workers in as few calls as the backend allows. May return fewer
    /// (partial capacity); never more.
    /// </summary>
    Task<IReadOnlyList<WorkerInfo>> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken);

    /// <summary>Null when the backend no longer knows the worker.</summary>
    Task<WorkerInfo?> DescribeAsync(string workerId, CancellationToken cancellationToken);

    /// <summary>Idempotent: terminating a terminated worker succeeds.</summary>
    Task TerminateAsync(string workerId, string reason, CancellationToken cancellationToken);
}
