using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class FinishedQueueSpec
{
    // A queue that receives one message per job that reached a terminal state, for downstream consumers.
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; } = SpecDefaults.FinishedQueueEnabled;
}
