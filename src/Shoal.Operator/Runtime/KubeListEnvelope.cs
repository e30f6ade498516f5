using System.Text.Json.Serialization;

namespace Shoal.Operator.Runtime;

// A <Kind>List as the API server returns it; only what the informer needs.
internal sealed class KubeListEnvelope<T>
{
    [JsonPropertyName("metadata")]
    public KubeListMeta? Metadata { get; set; }

    [JsonPropertyName("items")]
    public List<T>? Items { get; set; }
}
