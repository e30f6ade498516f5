using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class WorkerPool : IResource
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = WellKnown.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = WellKnown.WorkerPoolKind;

    [JsonPropertyName("metadata")]
    public ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public WorkerPoolSpec Spec { get; set; } = new();

    // Null until the operator first writes it.
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WorkerPoolStatus? Status { get; set; }
}
