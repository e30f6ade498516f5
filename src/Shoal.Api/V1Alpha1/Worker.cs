using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Api.V1Alpha1;

// Created by the operator, not by users. Its finalizer is the only code path that terminates the instance.
[Description("One worker: an EC2 instance launched (or adopted) for a WorkerPool, which owns it. Created and deleted by the operator; deleting it terminates the instance.")]
[CustomResource(WellKnown.Group, WellKnown.Version, WellKnown.WorkerKind,
    Plural = WellKnown.WorkerPlural, Singular = WellKnown.WorkerSingular, ListKind = WellKnown.WorkerListKind,
    ShortNames = [WellKnown.WorkerShortName], Categories = [WellKnown.Category])]
[PrinterColumn("Phase", "string", ".status.phase", Description = "Where the worker is in its life: Launching, WaitingForAgent, Idle, Running, Draining, Terminating, Terminated.")]
[PrinterColumn("Instance", "string", ".status.instanceId", Description = "The EC2 instance id.")]
[PrinterColumn("Type", "string", ".status.instanceType", Description = "The EC2 instance type the fleet gave.")]
[PrinterColumn("Job", "string", ".status.currentJob", Description = "The job the worker is running, if any.")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class Worker : IResource
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = WellKnown.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = WellKnown.WorkerKind;

    [JsonPropertyName("metadata")]
    public ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    [Required]
    [Description("What the worker stands for; written once by the operator.")]
    public WorkerSpec Spec { get; set; } = new();

    // Null until the operator first writes it.
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("What the operator observed; written only by the operator.")]
    public WorkerStatus? Status { get; set; }
}
