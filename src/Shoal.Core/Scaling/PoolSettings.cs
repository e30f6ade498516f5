namespace Shoal.Core.Scaling;

/// <summary>A WorkerPool as the engine needs it, mapped from the CRD or a manifest by the host.</summary>
public sealed record PoolSettings
{
    public string Name { get; init; } = "default";

    public int MinWorkers { get; init; }

    public int MaxWorkers { get; init; } = 4;

    /// <summary>How many queued or running jobs justify one worker.</summary>
    public int JobsPerWorker { get; init; } = 1;

    /// <summary>A worker with nothing to do for this long retires itself.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Retire after this many jobs; null for no limit.</summary>
    public int? MaxJobsPerWorker { get; init; }

    /// <summary>Retire (after the current job) once this old; null for no limit.</summary>
    public TimeSpan? MaxLifetime { get; init; }
}
