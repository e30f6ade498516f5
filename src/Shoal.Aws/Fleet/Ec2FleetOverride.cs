namespace Shoal.Aws.Fleet;

/// <summary>One (instance type, subnet) pool a CreateFleet call may launch into.</summary>
public sealed record Ec2FleetOverride(string InstanceType, string SubnetId, string? ImageId);
