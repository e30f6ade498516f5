using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Api.V1Alpha1;

// Neither ami nor amiParameter is fine: the fleet then follows the platform's latest Amazon Linux or
// Windows image, so the rule is "not both" rather than "exactly one".
[CelRule("!(has(self.ami) && has(self.amiParameter))",
    "set ami (a fixed image) or amiParameter (an SSM parameter that names the image), not both",
    Reason = "FieldValueForbidden", FieldPath = ".amiParameter")]
[CelRule("!(has(self.instanceTypes) && has(self.instanceRequirements))",
    "set instanceTypes or instanceRequirements, not both: EC2 Fleet takes one or the other",
    Reason = "FieldValueForbidden", FieldPath = ".instanceRequirements")]
public sealed class WorkerTemplate
{
    [JsonPropertyName("ami")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [RegularExpression(Patterns.AmiId)]
    [Description("A fixed image id such as ami-0123456789abcdef0. Exclusive with amiParameter; with neither, the platform's latest Amazon image.")]
    public string? Ami { get; set; }

    [JsonPropertyName("amiParameter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [RegularExpression(Patterns.NotBlank)]
    [Description("An SSM parameter that names the image, resolved at each launch so workers follow the latest image without a spec change, such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64.")]
    public string? AmiParameter { get; set; }

    [JsonPropertyName("instanceTypes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [MinLength(1)]
    [Items(Pattern = Patterns.InstanceType)]
    [ListType(KubernetesListType.Set)]
    [Description("Instance types to launch, such as m7i.large. More types give spot more pools to choose from. Exclusive with instanceRequirements.")]
    public IList<string>? InstanceTypes { get; set; }

    [JsonPropertyName("instanceRequirements")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("Select instance types by attributes instead of by name. Exclusive with instanceTypes.")]
    public InstanceRequirements? InstanceRequirements { get; set; }

    [JsonPropertyName("subnets")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Items(Pattern = Patterns.SubnetId)]
    [ListType(KubernetesListType.Set)]
    [Description("Subnet ids to launch in, such as subnet-0123456789abcdef0; more zones give spot more pools. Left out, the default VPC's subnets.")]
    public IList<string>? Subnets { get; set; }

    [JsonPropertyName("securityGroups")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Items(Pattern = Patterns.SecurityGroupId)]
    [ListType(KubernetesListType.Set)]
    [Description("Security group ids, such as sg-0123456789abcdef0. Left out, the VPC's default group.")]
    public IList<string>? SecurityGroups { get; set; }

    [JsonPropertyName("instanceProfile")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The IAM instance profile, by name or ARN. Its role needs SSM managed-instance permissions, or commands never reach the worker.")]
    public string? InstanceProfile { get; set; }

    [JsonPropertyName("userData")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("User data as plain text; Shoal base64-encodes it.")]
    public string? UserData { get; set; }

    // The maxProperties bound is EC2's tag limit, and it also keeps the CEL rules' estimated cost within
    // the API server's budget (an unbounded map makes `all()` unbounded).
    [JsonPropertyName("tags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [MaxLength(50)]
    [Items(MaxLength = 256)]
    [CelRule("self.all(k, size(k) >= 1 && size(k) <= 128)", "tag keys must be 1-128 characters")]
    [CelRule("self.all(k, !['aws:', 'AWS:', 'Aws:', 'aWs:', 'awS:', 'AWs:', 'AwS:', 'aWS:'].exists(p, k.startsWith(p)))",
        "tag keys starting with \"aws:\" are reserved by AWS")]
    [Description("Tags for the instances, added to the operator's ownership tags (which win on a clash). Values are at most 256 characters.")]
    public IDictionary<string, string>? Tags { get; set; }
}
