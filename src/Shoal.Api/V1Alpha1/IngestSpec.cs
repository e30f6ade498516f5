using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Api.V1Alpha1;

// Upload-triggered jobs: inputs first, executable last; the executable's suffix is the trigger.
[CelRule("has(self.bucket) || has(self.localPath)",
    "ingest needs bucket (S3, for AWS) or localPath (a folder, for the local mode); remove ingest to take jobs from the queue only",
    Reason = "FieldValueRequired")]
public sealed class IngestSpec
{
    [JsonPropertyName("bucket")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [RegularExpression(Patterns.S3BucketName)]
    [Description("The S3 bucket whose uploads become jobs (3-63 lowercase letters, digits, '.' or '-'). Created if missing.")]
    public string? Bucket { get; set; }

    [JsonPropertyName("prefix")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("Only uploads under this key prefix, such as jobs/, trigger jobs. Left out, the whole bucket.")]
    public string? Prefix { get; set; }

    [JsonPropertyName("executableSuffix")]
    [DefaultValue(SpecDefaults.ExecutableSuffix)]
    [RegularExpression(Patterns.NotBlank)]
    [Description("The file name suffix that marks the executable. Upload it last: its arrival is what turns the folder of inputs into a job.")]
    public string ExecutableSuffix { get; set; } = SpecDefaults.ExecutableSuffix;

    [JsonPropertyName("platform")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [AllowedValues(Platforms.Linux, Platforms.Windows)]
    [Description("The platform of ingested jobs: linux or windows. Left out, jobDefaults.platform.")]
    public string? Platform { get; set; }

    [JsonPropertyName("localPath")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [RegularExpression(Patterns.NotBlank)]
    [Description("The folder the local mode (`shoal run`) watches instead of a bucket. Ignored on AWS.")]
    public string? LocalPath { get; set; }
}
