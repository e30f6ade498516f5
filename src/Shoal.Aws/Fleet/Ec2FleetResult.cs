namespace Shoal.Aws.Fleet;

public sealed record Ec2FleetResult(string? FleetId, IReadOnlyList<Ec2FleetInstance> Instances, IReadOnlyList<Ec2FleetError> Errors);
