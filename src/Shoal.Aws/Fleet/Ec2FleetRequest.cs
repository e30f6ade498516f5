namespace Shoal.Aws.Fleet;

/// <summary>A CreateFleet call of type instant with one launch template and its overrides.</summary>
public sealed record Ec2FleetRequest
{
    /// <summary>EC2 returns the first call's result for a repeat with the same token and parameters.</summary>
    public required string ClientToken { get; init; }

    public required string LaunchTemplateId { get; init; }

    public required IReadOnlyList<Ec2FleetOverride> Overrides { get; init; }

    public required int TargetCapacity { get; init; }

    /// <summary><see cref="Ec2CapacityTypes.Spot"/> or <see cref="Ec2CapacityTypes.OnDemand"/>.</summary>
    public required string CapacityType { get; init; }

    /// <summary>The spot allocation strategy; on-demand calls use lowest-price.</summary>
    public string AllocationStrategy { get; init; } = "price-capacity-optimized";

    /// <summary>Tags for the instances of this call only (the launch template carries the pool's).</summary>
    public IReadOnlyDictionary<string, string> InstanceTags { get; init; } = new Dictionary<string, string>();
}
