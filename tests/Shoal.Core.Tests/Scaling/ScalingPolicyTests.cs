using Shoal.Core.Ports;
using Shoal.Core.Scaling;

namespace Shoal.Core.Tests.Scaling;

public sealed class ScalingPolicyTests
{
    private static PoolSettings Pool(int min = 0, int max = 100, int perWorker = 1) => new() { MinWorkers = min, MaxWorkers = max, JobsPerWorker = perWorker };

    [Fact]
    public void Demand_counts_visible_and_in_flight_jobs_but_not_delayed_ones()
    {
        Assert.Equal(7, ScalingPolicy.Desired(new QueueDepth(3, 4, 0), Pool()));
        Assert.Equal(3, ScalingPolicy.Desired(new QueueDepth(3, 0, 50), Pool()));
        Assert.Equal(4, ScalingPolicy.Desired(new QueueDepth(0, 4, 0, DeadLettered: 9), Pool()));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(8, 2)]
    [InlineData(9, 3)]
    public void Jobs_per_worker_rounds_up(long visible, int expected)
    {
        Assert.Equal(expected, ScalingPolicy.Desired(new QueueDepth(visible, 0, 0), Pool(perWorker: 4)));
    }

    [Fact]
    public void Jobs_per_worker_below_one_counts_as_one()
    {
        Assert.Equal(5, ScalingPolicy.Desired(new QueueDepth(5, 0, 0), Pool(perWorker: 0)));
        Assert.Equal(5, ScalingPolicy.Desired(new QueueDepth(5, 0, 0), Pool(perWorker: -3)));
    }

    [Fact]
    public void Clamped_to_min_and_max_workers()
    {
        Assert.Equal(2, ScalingPolicy.Desired(new QueueDepth(0, 0, 0), Pool(min: 2, max: 10)));
        Assert.Equal(10, ScalingPolicy.Desired(new QueueDepth(1_000_000, 5, 0), Pool(min: 2, max: 10)));
        Assert.Equal(6, ScalingPolicy.Desired(new QueueDepth(6, 0, 0), Pool(min: 2, max: 10)));
    }

    [Fact]
    public void Running_and_launching_workers_are_subtracted()
    {
        var depth = new QueueDepth(10, 2, 0);
        Assert.Equal(12, ScalingPolicy.WorkersToLaunch(depth, 0, 0, Pool()));
        Assert.Equal(7, ScalingPolicy.WorkersToLaunch(depth, 5, 0, Pool()));
        Assert.Equal(4, ScalingPolicy.WorkersToLaunch(depth, 5, 3, Pool()));
        Assert.Equal(0, ScalingPolicy.WorkersToLaunch(depth, 9, 3, Pool()));
    }

    [Fact]
    public void Never_negative_when_more_workers_exist_than_wanted()
    {
        Assert.Equal(0, ScalingPolicy.WorkersToLaunch(new QueueDepth(1, 0, 0), 50, 10, Pool()));
        Assert.Equal(0, ScalingPolicy.WorkersToLaunch(new QueueDepth(0, 0, 0), 3, 0, Pool(min: 1)));
        Assert.Equal(0, ScalingPolicy.WorkersToLaunch(new QueueDepth(500, 0, 0), 4, 0, Pool(max: 4)));
    }

    [Fact]
    public void Min_workers_are_launched_with_an_empty_queue()
    {
        Assert.Equal(2, ScalingPolicy.WorkersToLaunch(new QueueDepth(0, 0, 0), 0, 0, Pool(min: 2)));
        Assert.Equal(1, ScalingPolicy.WorkersToLaunch(new QueueDepth(0, 0, 0), 1, 0, Pool(min: 2)));
    }
}
