namespace Shoal.Api.V1Alpha1;

// Value formats the CRD schema enforces (OpenAPI `pattern`). Anchored at both ends because the API server
// searches (ECMA-262) while .NET's [RegularExpression] matches the whole value; anchored, both agree.
// Kept to the syntax Go's RE2 and .NET share: no lookarounds, no backreferences.
public static class Patterns
{
    // DNS-1123 label: names Shoal derives AWS resource names from (SQS allows no dots).
    public const string DnsLabel = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    public const string HttpUrl = @"^https?://[^\s/]+(/\S*)?$";

    // An SQS standard queue name.
    public const string SqsQueueName = "^[A-Za-z0-9_-]{1,80}$";

    public const string DynamoTableName = "^[A-Za-z0-9_.-]{3,255}$";

    public const string S3BucketName = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

    public const string AmiId = "^ami-[0-9a-f]{8,17}$";

    public const string InstanceType = @"^[a-z0-9-]+\.[a-z0-9-]+$";

    public const string SubnetId = "^subnet-[0-9a-f]{8,17}$";

    public const string SecurityGroupId = "^sg-[0-9a-f]{8,17}$";

    // At least one non-whitespace character: for names where "" or "  " can only be a mistake.
    public const string NotBlank = @"^\s*\S[\s\S]*$";

    // metav1.Condition's type: an optional DNS-subdomain prefix and '/', then a qualified name.
    public const string ConditionType = @"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$";

    // metav1.Condition's reason: CamelCase, machine-readable.
    public const string ConditionReason = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";
}
