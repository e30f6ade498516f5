using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class JobQueueSpec
{
    // An existing SQS queue to use as is; when null the operator creates one named QueueName.
    [JsonPropertyName("queueUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? QueueUrl { get; set; }

    // Null means metadata.name + WellKnown.QueueNameSuffix.
    [JsonPropertyName("queueName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? QueueName { get; set; }

    [JsonPropertyName("deadLetter")]
    public DeadLetterSpec DeadLetter { get; set; } = new();

    [JsonPropertyName("finishedQueue")]
    public FinishedQueueSpec FinishedQueue { get; set; } = new();

    // Null means metadata.name + WellKnown.TableNameSuffix, the name the seed's tools look for.
    [JsonPropertyName("tableName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TableName { get; set; }

    [JsonPropertyName("jobDefaults")]
    public JobDefaultsSpec JobDefaults { get; set; } = new();

    // Infrastructure failures (spot reclaims, lost workers) a job may suffer; separate from jobDefaults.retry.
    [JsonPropertyName("maxInterruptions")]
    public int MaxInterruptions { get; set; } = SpecDefaults.MaxInterruptions;

    // How long a claim holds without renewal; this, not SQS visibility, is what lets jobs run past 12 hours.
    [JsonPropertyName("leaseSeconds")]
    public int LeaseSeconds { get; set; } = SpecDefaults.LeaseSeconds;

    // Null means jobs arrive only as queue messages.
    [JsonPropertyName("ingest")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IngestSpec? Ingest { get; set; }

    [JsonPropertyName("output")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutputSpec? Output { get; set; }

    [JsonPropertyName("retention")]
    public RetentionSpec Retention { get; set; } = new();

    // One of DeletionPolicies.
    [JsonPropertyName("deletionPolicy")]
    public string DeletionPolicy { get; set; } = SpecDefaults.DeletionPolicy;
}
