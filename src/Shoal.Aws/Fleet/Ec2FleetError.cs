namespace Shoal.Aws.Fleet;

/// <summary>A per-override failure in a CreateFleet answer (the call itself succeeded).</summary>
public sealed record Ec2FleetError(string Code, string Message, string? InstanceType, string? SubnetId, string? AvailabilityZone, string? CapacityType);
