using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// Mirrors metav1.Condition field for field, so kubectl and tools that read conditions (Argo CD health,
// `kubectl wait --for=condition=Ready`) understand ours.
public sealed class Condition
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    // One of ConditionStatuses.
    [JsonPropertyName("status")]
    public string Status { get; set; } = ConditionStatuses.Unknown;

    // The metadata.generation this condition was computed from; lets readers tell stale conditions apart.
    [JsonPropertyName("observedGeneration")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ObservedGeneration { get; set; }

    // Changes only when Status changes, not on every reconcile.
    [JsonPropertyName("lastTransitionTime")]
    public DateTimeOffset LastTransitionTime { get; set; }

    // CamelCase, machine-readable.
    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";

    [JsonPropertyName("message")]
    public string Message { get; set; } = "";
}
