using Shoal.Aws.Errors;

namespace Shoal.Aws.Fleet;

/// <summary>A fleet operation failed. Reason is CamelCase for conditions; Message says what to do.</summary>
public sealed class Ec2FleetException(string reason, AwsErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Reason { get; } = reason;

    public AwsErrorKind Kind { get; } = kind;
}
