using Shoal.Core.Ports;

namespace Shoal.Bench;

/// <summary>Times every fleet call.</summary>
internal sealed class TracingWorkerFleet(IWorkerFleet inner, PortTrace trace) : IWorkerFleet
{
    public async Task<IReadOnlyList<WorkerInfo>> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            return await inner.LaunchAsync(request, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "fleet.Launch", start);
        }
    }

    public async Task<WorkerInfo?> DescribeAsync(string workerId, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            return await inner.DescribeAsync(workerId, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "fleet.Describe", start);
        }
    }

    public async Task TerminateAsync(string workerId, string reason, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            await inner.TerminateAsync(workerId, reason, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "fleet.Terminate", start);
        }
    }
}
