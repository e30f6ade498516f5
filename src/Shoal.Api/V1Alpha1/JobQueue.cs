using System.ComponentModel;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Api.V1Alpha1;

[Description("A job queue: the SQS queue jobs arrive on (as seed-format JSON messages or S3 uploads), its dead-letter and finished-job queues, and the DynamoDB table that records every job. WorkerPools that reference it supply the workers.")]
[CustomResource(WellKnown.Group, WellKnown.Version, WellKnown.JobQueueKind,
    Plural = WellKnown.JobQueuePlural, Singular = WellKnown.JobQueueSingular, ListKind = WellKnown.JobQueueListKind,
    ShortNames = [WellKnown.JobQueueShortName], Categories = [WellKnown.Category])]
[PrinterColumn("Ready", "string", ".status.conditions[?(@.type==\"" + WellKnown.ReadyCondition + "\")].status", Description = "Whether the queues and the job table exist and are reachable.")]
[PrinterColumn("Queued", "integer", ".status.counts.queued", Description = "Jobs waiting for a worker.")]
[PrinterColumn("Running", "integer", ".status.counts.running", Description = "Jobs claimed by a worker.")]
[PrinterColumn("Succeeded", "integer", ".status.counts.succeeded", Description = "Jobs that ended in SUCCEEDED.")]
[PrinterColumn("Failed", "integer", ".status.counts.failed", Description = "Jobs that ended in FAILED.")]
[PrinterColumn("Workers", "integer", ".status.workers", Description = "Workers of all pools serving this queue.")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
[CelRule("size(self.metadata.name) <= 63 && self.metadata.name.matches('" + Patterns.DnsLabel + "')",
    "metadata.name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters): Shoal derives the SQS queue and DynamoDB table names from it")]
public sealed class JobQueue : IResource
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = WellKnown.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = WellKnown.JobQueueKind;

    [JsonPropertyName("metadata")]
    public ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    [Description("What the queue should be; every field has a default, so an empty spec is a working queue.")]
    public JobQueueSpec Spec { get; set; } = new();

    // Null until the operator first writes it.
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("What the operator observed; written only by the operator.")]
    public JobQueueStatus? Status { get; set; }
}
