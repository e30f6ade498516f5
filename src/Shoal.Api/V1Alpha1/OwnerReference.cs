using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// metav1.OwnerReference: a Worker names its WorkerPool, so `kubectl get` tools and Argo CD show the tree.
public sealed class OwnerReference
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = WellKnown.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("uid")]
    public string Uid { get; set; } = "";

    [JsonPropertyName("controller")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Controller { get; set; }

    [JsonPropertyName("blockOwnerDeletion")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? BlockOwnerDeletion { get; set; }
}
