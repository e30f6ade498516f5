using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class JobQueueStatus
{
    [JsonPropertyName("observedGeneration")]
    public long ObservedGeneration { get; set; }

    [JsonPropertyName("queueUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? QueueUrl { get; set; }

    [JsonPropertyName("deadLetterQueueUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeadLetterQueueUrl { get; set; }

    [JsonPropertyName("finishedQueueUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FinishedQueueUrl { get; set; }

    [JsonPropertyName("tableName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TableName { get; set; }

    [JsonPropertyName("counts")]
    public JobQueueCounts Counts { get; set; } = new();

    // Workers of all pools that serve this queue.
    [JsonPropertyName("workers")]
    public int Workers { get; set; }

    [JsonPropertyName("conditions")]
    public IList<Condition> Conditions { get; set; } = [];
}
