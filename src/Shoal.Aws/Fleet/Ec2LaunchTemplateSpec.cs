namespace Shoal.Aws.Fleet;

/// <summary>
/// What a pool's launch template holds. The AMI and instance type are not in it: they go into each
/// CreateFleet override, so a new image from an SSM parameter needs no new template.
/// </summary>
public sealed record Ec2LaunchTemplateSpec
{
    public required string Name { get; init; }

    public required string ClientToken { get; init; }

    /// <summary>A name or an ARN (starts with arn:).</summary>
    public string? InstanceProfile { get; init; }

    public IReadOnlyList<string> SecurityGroupIds { get; init; } = [];

    /// <summary>Plain text; the adapter base64-encodes it.</summary>
    public string? UserData { get; init; }

    /// <summary>Applied to instances and their volumes at launch, and to the template itself.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}
