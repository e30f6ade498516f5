using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Shoal.KubeApi.Tests.Support;

/// <summary>The test CRD's kind as a KubernetesClient model, the way the operator models its own kinds.</summary>
public sealed class Gadget : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "testing.shoal.dev/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Gadget";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public GadgetSpec? Spec { get; set; }

    [JsonPropertyName("status")]
    public GadgetStatus? Status { get; set; }
}
