using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// Named apart from Shoal.Core.Ports.JobCounts (the engine's counters) so hosts can import both namespaces.
public sealed class JobQueueCounts
{
    [JsonPropertyName("queued")]
    [Description("Jobs waiting for a worker.")]
    public long Queued { get; set; }

    [JsonPropertyName("running")]
    [Description("Jobs claimed by a worker.")]
    public long Running { get; set; }

    [JsonPropertyName("succeeded")]
    [Description("Jobs that ended in SUCCEEDED and are still in the job table.")]
    public long Succeeded { get; set; }

    [JsonPropertyName("failed")]
    [Description("Jobs that ended in FAILED and are still in the job table.")]
    public long Failed { get; set; }

    [JsonPropertyName("deadLettered")]
    [Description("Messages in the dead-letter queue.")]
    public long DeadLettered { get; set; }
}
