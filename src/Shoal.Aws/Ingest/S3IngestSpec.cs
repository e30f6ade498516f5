namespace Shoal.Aws.Ingest;

/// <summary>What a JobQueue's S3 ingest asks for: a bucket notification into an ingest queue.</summary>
public sealed record S3IngestSpec
{
    /// <summary>The bucket users upload to; it must exist.</summary>
    public required string Bucket { get; init; }

    /// <summary>The ingest queue to create (or bring back to its settings); ignored when <see cref="QueueUrl"/> is set.</summary>
    public string? QueueName { get; init; }

    /// <summary>
    /// An existing ingest queue, used as it is: its policy must already let s3.amazonaws.com send to
    /// it, or S3 refuses the notification.
    /// </summary>
    public string? QueueUrl { get; init; }

    public string ExecutableSuffix { get; init; } = ".sh";

    public string? Prefix { get; init; }

    /// <summary>The id of our entry in the bucket's notification configuration; other entries are kept.</summary>
    public string? NotificationId { get; init; }
}
