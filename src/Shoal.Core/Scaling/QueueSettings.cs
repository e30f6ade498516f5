using Shoal.Core.Jobs;

namespace Shoal.Core.Scaling;

/// <summary>A JobQueue as the engine needs it.</summary>
public sealed record QueueSettings
{
    public string Name { get; init; } = "default";

    public JobDefaults Defaults { get; init; } = new();

    /// <summary>Infrastructure failures (reclaims, lost workers) a job may suffer before it fails for good.</summary>
    public int MaxInterruptions { get; init; } = 10;

    /// <summary>How long a claim holds without renewal; the running worker renews it well before.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Delay before a failed job is visible again: the first retry waits this long, doubling up to 5 minutes.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);
}
