using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// Where SSM writes each command's full stdout and stderr. Without it, success strings are checked
// against SSM's inline output, which stops at 24,000 characters.
public sealed class OutputSpec
{
    [JsonPropertyName("bucket")]
    public string Bucket { get; set; } = "";

    [JsonPropertyName("prefix")]
    public string Prefix { get; set; } = SpecDefaults.OutputPrefix;
}
