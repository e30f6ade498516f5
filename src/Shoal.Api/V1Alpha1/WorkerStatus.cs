using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class WorkerStatus
{
    [JsonPropertyName("observedGeneration")]
    public long ObservedGeneration { get; set; }

    // One of WorkerPhases.
    [JsonPropertyName("phase")]
    public string Phase { get; set; } = WorkerPhases.Launching;

    [JsonPropertyName("instanceId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InstanceId { get; set; }

    [JsonPropertyName("instanceType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InstanceType { get; set; }

    [JsonPropertyName("zone")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Zone { get; set; }

    // spot or on-demand: what the fleet actually gave.
    [JsonPropertyName("capacityType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CapacityType { get; set; }

    [JsonPropertyName("currentJob")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CurrentJob { get; set; }

    [JsonPropertyName("jobsDone")]
    public int JobsDone { get; set; }

    [JsonPropertyName("launchedAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? LaunchedAt { get; set; }

    // Why the worker is draining or gone (QueueDrained, IdleTimeout, SpotInterruption, ...).
    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; set; }

    [JsonPropertyName("conditions")]
    public IList<Condition> Conditions { get; set; } = [];
}
