namespace Shoal.Aws.Commands;

/// <summary>
/// A SendCommand to exactly one instance. There is deliberately no Targets: a tag target can match
/// several instances, and a job runs on one worker.
/// </summary>
public sealed record SsmSendCommandRequest
{
    public required string InstanceId { get; init; }

    public required string DocumentName { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters { get; init; }

    /// <summary>At most 100 characters (an API limit).</summary>
    public string? Comment { get; init; }

    /// <summary>Delivery timeout: how long SSM keeps trying to reach the agent before the command fails undelivered.</summary>
    public required int DeliveryTimeoutSeconds { get; init; }

    public string? OutputS3BucketName { get; init; }

    public string? OutputS3KeyPrefix { get; init; }

    public bool CloudWatchOutputEnabled { get; init; }
}
