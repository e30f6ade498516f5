using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// How to launch one EC2 worker.
public sealed class WorkerTemplate
{
    // A fixed image id; exclusive with AmiParameter.
    [JsonPropertyName("ami")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Ami { get; set; }

    // An SSM parameter resolved at each launch, so workers follow the latest image without a spec change.
    [JsonPropertyName("amiParameter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AmiParameter { get; set; }

    // Explicit types; exclusive with InstanceRequirements. More types give spot more pools to choose from.
    [JsonPropertyName("instanceTypes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IList<string>? InstanceTypes { get; set; }

    [JsonPropertyName("instanceRequirements")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InstanceRequirements? InstanceRequirements { get; set; }

    [JsonPropertyName("subnets")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IList<string>? Subnets { get; set; }

    [JsonPropertyName("securityGroups")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IList<string>? SecurityGroups { get; set; }

    // Name or ARN; the role needs SSM managed-instance permissions or commands never reach the worker.
    [JsonPropertyName("instanceProfile")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InstanceProfile { get; set; }

    // Plain text; the AWS provider base64-encodes it.
    [JsonPropertyName("userData")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UserData { get; set; }

    // Added to the operator's ownership tags, which take precedence.
    [JsonPropertyName("tags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IDictionary<string, string>? Tags { get; set; }
}
