using System.Text.RegularExpressions;

namespace Shoal.Aws.Fleet;

/// <summary>
/// How one pool launches EC2 workers. The host maps a WorkerPool's template onto this (Shoal.Aws does not
/// know the CRD types); <see cref="Validate"/> runs when the fleet is built.
/// </summary>
public sealed partial record Ec2PoolOptions
{
    public const string DefaultAllocationStrategy = "price-capacity-optimized";

    public static IReadOnlyList<string> AllocationStrategies { get; } =
        ["price-capacity-optimized", "capacity-optimized", "capacity-optimized-prioritized", "lowest-price", "diversified"];

    public required string PoolName { get; init; }

    public required string QueueName { get; init; }

    /// <summary>The cluster or operator identity, tagged as <see cref="Ec2Tags.Owner"/>.</summary>
    public required string OwnerId { get; init; }

    /// <summary>A fixed AMI; exclusive with <see cref="ImageParameter"/>. With neither, the platform's latest Amazon image.</summary>
    public string? ImageId { get; init; }

    /// <summary>An SSM parameter holding the AMI id, resolved at launch (cached a few minutes).</summary>
    public string? ImageParameter { get; init; }

    /// <summary>In order of preference: when there are more offerings than one call takes, the first types go first.</summary>
    public IReadOnlyList<string> InstanceTypes { get; init; } = [];

    /// <summary>Empty: the default VPC's default subnets.</summary>
    public IReadOnlyList<string> Subnets { get; init; } = [];

    /// <summary>Empty: the VPC's default security group.</summary>
    public IReadOnlyList<string> SecurityGroups { get; init; } = [];

    /// <summary>A name or an ARN. Its role needs SSM managed-instance permissions, or no command ever reaches a worker.</summary>
    public string? InstanceProfile { get; init; }

    /// <summary>Plain text.</summary>
    public string? UserData { get; init; }

    /// <summary>Added to every instance; Shoal's own tags win over these.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>One of <see cref="Ec2CapacityTypes.All"/>.</summary>
    public string Capacity { get; init; } = Ec2CapacityTypes.Spot;

    /// <summary>The spot allocation strategy, one of <see cref="AllocationStrategies"/>.</summary>
    public string AllocationStrategy { get; init; } = DefaultAllocationStrategy;

    /// <summary>linux or windows: picks the default AMI parameter.</summary>
    public string Platform { get; init; } = "linux";

    /// <summary>
    /// The seed's TagKey: Shoal's instances carry it with the queue name as value, so seed-style tooling
    /// sees them, and instances launched by anything else with this key and a queue's name are adopted.
    /// </summary>
    public string? AdoptionTagKey { get; init; }

    internal string EffectiveImageParameter => ImageParameter ?? (Platform == "windows"
        ? "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base"
        : "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");

    /// <summary>Every problem at once, each saying what to change; empty when the options can launch.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Require(PoolName, "pool name", problems);
        Require(QueueName, "queue name", problems);
        Require(OwnerId, "owner id (the cluster or operator identity)", problems);
        if (ImageId is not null && ImageParameter is not null)
        {
            problems.Add("Set either an AMI id or an AMI SSM parameter, not both.");
        }

        if (ImageId is { } image && !AmiPattern().IsMatch(image))
        {
            problems.Add($"AMI id '{image}' is not of the form ami-0123456789abcdef0.");
        }

        if (InstanceTypes.Count == 0)
        {
            problems.Add("List at least one instance type; several give spot more pools to choose from.");
        }

        if (InstanceTypes.Any(string.IsNullOrWhiteSpace) || InstanceTypes.Distinct(StringComparer.Ordinal).Count() != InstanceTypes.Count)
        {
            problems.Add("Instance types must be non-blank and listed once each.");
        }

        if (Subnets.Any(s => !s.StartsWith("subnet-", StringComparison.Ordinal)))
        {
            problems.Add("Subnets must be subnet ids (subnet-…).");
        }

        if (SecurityGroups.Any(s => !s.StartsWith("sg-", StringComparison.Ordinal)))
        {
            problems.Add("Security groups must be group ids (sg-…).");
        }

        if (!Ec2CapacityTypes.All.Contains(Capacity))
        {
            problems.Add($"Capacity '{Capacity}' is not one of {string.Join(", ", Ec2CapacityTypes.All)}.");
        }

        if (!AllocationStrategies.Contains(AllocationStrategy))
        {
            problems.Add($"Allocation strategy '{AllocationStrategy}' is not one of {string.Join(", ", AllocationStrategies)}.");
        }

        if (Platform is not ("linux" or "windows"))
        {
            problems.Add($"Platform '{Platform}' is not linux or windows.");
        }

        // EC2 allows 50 tags per resource; Shoal's own take up to six of them.
        if (Tags.Count > 44)
        {
            problems.Add($"At most 44 extra tags fit on an instance next to Shoal's own; {Tags.Count} are listed.");
        }

        if (Tags.Keys.Any(k => k.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add("Tag keys starting with aws: are reserved by AWS.");
        }

        if (AdoptionTagKey is { } key && (string.IsNullOrWhiteSpace(key) || key.StartsWith("shoal.dev/", StringComparison.Ordinal)))
        {
            problems.Add("The adoption tag key must be non-blank and outside shoal.dev/.");
        }

        return problems;
    }

    private static void Require(string value, string what, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"The {what} is required.");
        }
    }

    [GeneratedRegex("^ami-[0-9a-f]{8,17}$")]
    private static partial Regex AmiPattern();
}
