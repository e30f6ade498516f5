namespace Shoal.Core.Scaling;

public sealed record PoolRunnerOptions
{
    /// <summary>How often the scaler looks at the queue; it also looks at once whenever a worker retires.</summary>
    public TimeSpan ScaleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most workers asked for in one launch call (CreateFleet takes many at once).</summary>
    public int MaxLaunchBatch { get; init; } = 100;
}
