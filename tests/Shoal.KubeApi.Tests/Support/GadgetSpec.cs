using System.Text.Json.Serialization;

namespace Shoal.KubeApi.Tests.Support;

public sealed class GadgetSpec
{
    [JsonPropertyName("size")]
    public int Size { get; set; }

    [JsonPropertyName("mode")]
    public string Mode { get; set; } = "fast";

    [JsonPropertyName("retries")]
    public int? Retries { get; set; }
}
