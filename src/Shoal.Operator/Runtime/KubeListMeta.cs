using System.Text.Json.Serialization;

namespace Shoal.Operator.Runtime;

internal sealed class KubeListMeta
{
    [JsonPropertyName("resourceVersion")]
    public string? ResourceVersion { get; set; }

    [JsonPropertyName("continue")]
    public string? Continue { get; set; }
}
