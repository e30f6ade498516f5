using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class JobQueue : IResource
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = WellKnown.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = WellKnown.JobQueueKind;

    [JsonPropertyName("metadata")]
    public ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public JobQueueSpec Spec { get; set; } = new();

    // Null until the operator first writes it.
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JobQueueStatus? Status { get; set; }
}
