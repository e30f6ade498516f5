using Shoal.Core.Ports;

namespace Shoal.Core.Scaling;

/// <summary>
/// How many workers to add. Demand is visible plus in-flight jobs (the seed counted only visible ones,
/// so busy workers looked like spare capacity); supply is every worker running or still launching.
/// It never removes workers: they retire themselves when idle, so a busy worker is never killed.
/// </summary>
public static class ScalingPolicy
{
    public static int Desired(QueueDepth depth, PoolSettings pool)
    {
        ArgumentNullException.ThrowIfNull(depth);
        ArgumentNullException.ThrowIfNull(pool);
        var demand = depth.Visible + depth.InFlight;
        var perWorker = Math.Max(1, pool.JobsPerWorker);
        var wanted = (demand + perWorker - 1) / perWorker;
        return (int)Math.Clamp(wanted, pool.MinWorkers, pool.MaxWorkers);
    }

    public static int WorkersToLaunch(QueueDepth depth, int running, int launching, PoolSettings pool) =>
        Math.Max(0, Desired(depth, pool) - running - launching);
}
