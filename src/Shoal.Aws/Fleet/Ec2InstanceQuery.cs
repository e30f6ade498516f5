namespace Shoal.Aws.Fleet;

/// <summary>
/// One DescribeInstances page. Filters only, never InstanceIds: EC2 fails a whole id list when one id is
/// unknown, while an <c>instance-id</c> filter just leaves it out.
/// </summary>
public sealed record Ec2InstanceQuery
{
    public IReadOnlyList<Ec2Filter> Filters { get; init; } = [];

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}
