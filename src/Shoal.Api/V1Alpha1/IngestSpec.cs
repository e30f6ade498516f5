using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// Upload-triggered jobs: inputs first, executable last; the executable's suffix is the trigger.
public sealed class IngestSpec
{
    [JsonPropertyName("bucket")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Bucket { get; set; }

    [JsonPropertyName("prefix")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Prefix { get; set; }

    [JsonPropertyName("executableSuffix")]
    public string ExecutableSuffix { get; set; } = SpecDefaults.ExecutableSuffix;

    // One of Platforms; null means jobDefaults.platform.
    [JsonPropertyName("platform")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Platform { get; set; }

    // The local mode watches this folder instead of the bucket; ignored on AWS.
    [JsonPropertyName("localPath")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LocalPath { get; set; }
}
