namespace Shoal.Aws.Fleet;

/// <summary>One launched instance from a CreateFleet answer. Zone and subnet may be unknown (moto leaves them out).</summary>
public sealed record Ec2FleetInstance(string InstanceId, string? InstanceType, string? SubnetId, string? AvailabilityZone, string CapacityType);
