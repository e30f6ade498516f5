using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Api.V1Alpha1;

public sealed class WorkerStatus
{
    [JsonPropertyName("observedGeneration")]
    [Description("The metadata.generation this status describes.")]
    public long ObservedGeneration { get; set; }

    [JsonPropertyName("phase")]
    [AllowedValues(WorkerPhases.Launching, WorkerPhases.WaitingForAgent, WorkerPhases.Idle, WorkerPhases.Running, WorkerPhases.Draining, WorkerPhases.Terminating, WorkerPhases.Terminated)]
    [Description("Launching, WaitingForAgent, Idle, Running, Draining, Terminating or Terminated.")]
    public string Phase { get; set; } = WorkerPhases.Launching;

    [JsonPropertyName("instanceId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The EC2 instance id.")]
    public string? InstanceId { get; set; }

    [JsonPropertyName("instanceType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The instance type the fleet gave.")]
    public string? InstanceType { get; set; }

    [JsonPropertyName("zone")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The availability zone.")]
    public string? Zone { get; set; }

    [JsonPropertyName("capacityType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [AllowedValues(CapacityTypes.Spot, CapacityTypes.OnDemand)]
    [Description("What the fleet actually gave: spot or on-demand.")]
    public string? CapacityType { get; set; }

    [JsonPropertyName("currentJob")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The job_id of the job the worker is running.")]
    public string? CurrentJob { get; set; }

    [JsonPropertyName("jobsDone")]
    [Description("Jobs this worker finished, whatever their outcome.")]
    public int JobsDone { get; set; }

    [JsonPropertyName("launchedAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("When the instance was launched.")]
    public DateTimeOffset? LaunchedAt { get; set; }

    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("Why the worker is draining or gone, such as QueueDrained, IdleTimeout or SpotInterruption.")]
    public string? Reason { get; set; }

    [JsonPropertyName("conditions")]
    [ListType(KubernetesListType.Map, "type")]
    [Description("Ready is True while the worker can run jobs.")]
    public IList<Condition> Conditions { get; set; } = [];
}
