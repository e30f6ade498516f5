namespace Shoal.Aws.Fleet;

/// <summary>Timings and limits of <see cref="Ec2WorkerFleet"/>; the defaults suit a real account.</summary>
public sealed record Ec2FleetTuning
{
    /// <summary>Launches asked for within this quiet gap share one CreateFleet. Zero: every launch goes alone.</summary>
    public TimeSpan BatchIdleWindow { get; init; } = TimeSpan.FromMilliseconds(35);

    /// <summary>A batch never waits longer than this from its first launch, however busy.</summary>
    public TimeSpan BatchMaxWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Target capacity of one CreateFleet call; a larger launch is split.</summary>
    public int MaxCapacityPerCall { get; init; } = 1000;

    /// <summary>How old the pool's instance list may be before a describe refreshes it (one call for all workers).</summary>
    public TimeSpan InventoryMaxAge { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>DescribeInstances is eventually consistent: a just-launched instance counts as pending this long even if unseen.</summary>
    public TimeSpan LaunchVisibilityGrace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a launch's answer is kept for a retry with the same client token.</summary>
    public TimeSpan LaunchMemory { get; init; } = TimeSpan.FromMinutes(15);

    public TimeSpan ImageCacheTtl { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan SubnetCacheTtl { get; init; } = TimeSpan.FromMinutes(10);
}
