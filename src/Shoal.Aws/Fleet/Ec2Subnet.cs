namespace Shoal.Aws.Fleet;

public sealed record Ec2Subnet(string SubnetId, string AvailabilityZone, string? VpcId);
