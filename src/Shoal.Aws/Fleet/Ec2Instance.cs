namespace Shoal.Aws.Fleet;

/// <summary>An instance as DescribeInstances reports it, with SDK nulls already resolved.</summary>
public sealed record Ec2Instance
{
    public required string InstanceId { get; init; }

    /// <summary>EC2's state name: pending, running, shutting-down, terminated, stopping, stopped.</summary>
    public required string State { get; init; }

    public string? InstanceType { get; init; }

    public string? AvailabilityZone { get; init; }

    public string? SubnetId { get; init; }

    public string? ImageId { get; init; }

    /// <summary>spot or on-demand (EC2 reports no lifecycle at all for on-demand instances).</summary>
    public string CapacityType { get; init; } = Ec2CapacityTypes.OnDemand;

    public DateTimeOffset? LaunchTime { get; init; }

    public string? StateReason { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}
