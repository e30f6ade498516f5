namespace Shoal.Aws.Fleet;

/// <summary>A DescribeInstances/DescribeSubnets filter: any of the values matches.</summary>
public sealed record Ec2Filter(string Name, IReadOnlyList<string> Values)
{
    public Ec2Filter(string name, string value)
        : this(name, [value])
    {
    }
}
