namespace Shoal.Aws.Fleet;

public sealed record Ec2InstancePage(IReadOnlyList<Ec2Instance> Instances, string? NextToken);
