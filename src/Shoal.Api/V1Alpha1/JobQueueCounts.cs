using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// Named apart from Shoal.Core.Ports.JobCounts (the engine's counters) so hosts can import both namespaces.
public sealed class JobQueueCounts
{
    [JsonPropertyName("queued")]
    public long Queued { get; set; }

    [JsonPropertyName("running")]
    public long Running { get; set; }

    [JsonPropertyName("succeeded")]
    public long Succeeded { get; set; }

    [JsonPropertyName("failed")]
    public long Failed { get; set; }

    [JsonPropertyName("deadLettered")]
    public long DeadLettered { get; set; }
}
