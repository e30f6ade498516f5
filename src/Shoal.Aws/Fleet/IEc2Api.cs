namespace Shoal.Aws.Fleet;

/// <summary>
/// The EC2 calls Shoal makes, and nothing else, in our own records. <see cref="Ec2Api"/> forwards them
/// to the SDK; tests use a hand-written fake. Errors are the SDK's exceptions, read only by
/// <see cref="Errors.AwsErrorClassifier"/>.
/// </summary>
public interface IEc2Api
{
    /// <summary>Null when no template has that name.</summary>
    Task<Ec2LaunchTemplate?> DescribeLaunchTemplateAsync(string name, CancellationToken cancellationToken);

    Task<Ec2LaunchTemplate> CreateLaunchTemplateAsync(Ec2LaunchTemplateSpec spec, CancellationToken cancellationToken);

    Task<Ec2FleetResult> CreateFleetAsync(Ec2FleetRequest request, CancellationToken cancellationToken);

    Task<Ec2InstancePage> DescribeInstancesAsync(Ec2InstanceQuery query, CancellationToken cancellationToken);

    /// <summary>Fails as a whole (InvalidInstanceID.NotFound) when any id is unknown.</summary>
    Task TerminateInstancesAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken);

    /// <summary>All pages. With no ids, the filters alone decide.</summary>
    Task<IReadOnlyList<Ec2Subnet>> DescribeSubnetsAsync(IReadOnlyList<string> subnetIds, IReadOnlyList<Ec2Filter> filters, CancellationToken cancellationToken);
}
