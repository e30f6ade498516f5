using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class OutputSpec
{
    [JsonPropertyName("bucket")]
    [Required]
    [RegularExpression(Patterns.S3BucketName)]
    [Description("The S3 bucket SSM writes command output to (3-63 lowercase letters, digits, '.' or '-').")]
    public string Bucket { get; set; } = "";

    [JsonPropertyName("prefix")]
    [DefaultValue(SpecDefaults.OutputPrefix)]
    [Description("The key prefix for command output in the bucket.")]
    public string Prefix { get; set; } = SpecDefaults.OutputPrefix;
}
