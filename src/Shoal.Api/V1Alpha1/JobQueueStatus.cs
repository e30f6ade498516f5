using System.ComponentModel;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Api.V1Alpha1;

public sealed class JobQueueStatus
{
    [JsonPropertyName("observedGeneration")]
    [Description("The metadata.generation this status describes.")]
    public long ObservedGeneration { get; set; }

    [JsonPropertyName("queueUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The job queue's URL: where to send job messages.")]
    public string? QueueUrl { get; set; }

    [JsonPropertyName("deadLetterQueueUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The dead-letter queue's URL.")]
    public string? DeadLetterQueueUrl { get; set; }

    [JsonPropertyName("finishedQueueUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The finished-job queue's URL, when enabled.")]
    public string? FinishedQueueUrl { get; set; }

    [JsonPropertyName("tableName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The job table's name.")]
    public string? TableName { get; set; }

    [JsonPropertyName("counts")]
    [Description("Jobs by state, refreshed periodically from the job table and the queues.")]
    public JobQueueCounts Counts { get; set; } = new();

    [JsonPropertyName("workers")]
    [Description("Workers of all pools that serve this queue.")]
    public int Workers { get; set; }

    [JsonPropertyName("conditions")]
    [ListType(KubernetesListType.Map, "type")]
    [Description("Ready is True when the queues and the job table exist and the operator can use them; its reason and message say what is missing or forbidden otherwise.")]
    public IList<Condition> Conditions { get; set; } = [];
}
