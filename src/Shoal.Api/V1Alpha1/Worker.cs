using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// One per EC2 instance, created by the operator and owned by its WorkerPool. Its finalizer is the only
// code path that terminates the instance.
public sealed class Worker : IResource
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = WellKnown.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = WellKnown.WorkerKind;

    [JsonPropertyName("metadata")]
    public ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public WorkerSpec Spec { get; set; } = new();

    // Null until the operator first writes it.
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WorkerStatus? Status { get; set; }
}
