using Shoal.Core.Jobs;

namespace Shoal.Aws.Ingest;

/// <summary>
/// S3 ingest of one JobQueue (the seed's Part 2): an executable with <see cref="ExecutableSuffix"/>,
/// uploaded last into its own folder, turns that folder into a job.
/// </summary>
public sealed record S3IngestOptions
{
    /// <summary>The SQS queue the bucket notification writes to.</summary>
    public required string QueueUrl { get; init; }

    /// <summary>When set, events of other buckets are dropped: the ingest queue may be shared by mistake.</summary>
    public string? Bucket { get; init; }

    /// <summary>Only keys under this prefix become jobs (the notification filters too; this guards a hand-made one).</summary>
    public string? Prefix { get; init; }

    /// <summary>The seed's TriggerSuffix. Result files with it are never uploaded back, or they would start jobs.</summary>
    public string ExecutableSuffix { get; init; } = ".sh";

    public Platform Platform { get; init; } = Platform.Linux;

    public int Retry { get; init; } = 3;

    public string? SuccessString { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>Where on the worker the job runs; null leaves it to the runner. The job works in a fresh folder inside it.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// Long-poll wait of the first receive of a poll. Zero by default: the pool's scaler polls every
    /// second and must not stall; a short poll that misses a message finds it on a later tick.
    /// </summary>
    public TimeSpan PollWait { get; init; } = TimeSpan.Zero;

    /// <summary>How long an event stays invisible while it is turned into a job; it comes back if that fails.</summary>
    public TimeSpan Visibility { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Receives of up to 10 events each per poll, so one poll cannot run for ever on a flood.</summary>
    public int MaxBatchesPerPoll { get; init; } = 10;
}
