using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Api.V1Alpha1;

[Description("A pool of workers (EC2 instances, spot by default) that run the jobs of one JobQueue. The operator scales it between minWorkers and maxWorkers with the queue's depth; each worker is a Worker resource.")]
[CustomResource(WellKnown.Group, WellKnown.Version, WellKnown.WorkerPoolKind,
    Plural = WellKnown.WorkerPoolPlural, Singular = WellKnown.WorkerPoolSingular, ListKind = WellKnown.WorkerPoolListKind,
    ShortNames = [WellKnown.WorkerPoolShortName], Categories = [WellKnown.Category])]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"" + WellKnown.ReadyCondition + "\")].status", Description = "Whether the pool can launch workers for its queue.")]
[PrinterColumn("Desired", "integer", ".status.desired", Description = "Workers the scaling policy wants right now.")]
[PrinterColumn("Ready-Workers", "integer", ".status.ready", Description = "Workers whose agent answers and that can take jobs.")]
[PrinterColumn("Busy", "integer", ".status.busy", Description = "Workers running a job.")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[CelRule("size(self.metadata.name) <= 63 && self.metadata.name.matches('" + Patterns.DnsLabel + "')",
    "metadata.name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters): Shoal names Workers and tags instances with it")]
public sealed class WorkerPool : IResource
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = WellKnown.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = WellKnown.WorkerPoolKind;

    [JsonPropertyName("metadata")]
    public ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    [Required]
    [Description("What the pool should be; jobQueueRef is the only required field.")]
    public WorkerPoolSpec Spec { get; set; } = new();

    // Null until the operator first writes it.
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("What the operator observed; written only by the operator.")]
    public WorkerPoolStatus? Status { get; set; }
}
