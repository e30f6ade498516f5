using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class JobQueueSpec
{
    [JsonPropertyName("queueUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [RegularExpression(Patterns.HttpUrl)]
    [Description("An existing SQS queue to use as it is, such as https://sqs.us-east-1.amazonaws.com/123456789012/my-queue. Left out, the operator creates the queue named by queueName.")]
    public string? QueueUrl { get; set; }

    [JsonPropertyName("queueName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [RegularExpression(Patterns.SqsQueueName)]
    [Description("The SQS queue to create when queueUrl is left out: 1-80 letters, digits, '-' or '_'. Defaults to the JobQueue's name + \"" + WellKnown.QueueNameSuffix + "\".")]
    public string? QueueName { get; set; }

    [JsonPropertyName("deadLetter")]
    [Description("The dead-letter queue that receives poison jobs (messages that cannot be parsed or validated).")]
    public DeadLetterSpec DeadLetter { get; set; } = new();

    [JsonPropertyName("finishedQueue")]
    [Description("An optional queue with one message per job that reached a terminal state, for downstream consumers.")]
    public FinishedQueueSpec FinishedQueue { get; set; } = new();

    [JsonPropertyName("tableName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [RegularExpression(Patterns.DynamoTableName)]
    [Description("The DynamoDB job table: 3-255 letters, digits, '_', '-' or '.'. Defaults to the JobQueue's name + \"" + WellKnown.TableNameSuffix + "\", the name the seed's tools look for.")]
    public string? TableName { get; set; }

    [JsonPropertyName("jobDefaults")]
    [Description("What a job gets when its message leaves a field out.")]
    public JobDefaultsSpec JobDefaults { get; set; } = new();

    [JsonPropertyName("maxInterruptions")]
    [DefaultValue(SpecDefaults.MaxInterruptions)]
    [Range(0, int.MaxValue)]
    [Description("Infrastructure failures (spot reclaims, lost workers, undeliverable commands) a job may suffer before it fails. Separate from jobDefaults.retry, which counts the job's own failures.")]
    public int MaxInterruptions { get; set; } = SpecDefaults.MaxInterruptions;

    [JsonPropertyName("leaseSeconds")]
    [DefaultValue(SpecDefaults.LeaseSeconds)]
    [Range(1, int.MaxValue)]
    [Description("How long a worker's claim on a job holds without renewal. The running worker renews it, which is what lets jobs run past SQS's 12-hour visibility limit.")]
    public int LeaseSeconds { get; set; } = SpecDefaults.LeaseSeconds;

    [JsonPropertyName("ingest")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("Jobs triggered by uploads: inputs first, the executable last. Left out, jobs arrive only as queue messages.")]
    public IngestSpec? Ingest { get; set; }

    [JsonPropertyName("output")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("Where SSM writes each command's full output. Without it, success strings are checked against SSM's inline output, which stops at 24,000 characters.")]
    public OutputSpec? Output { get; set; }

    [JsonPropertyName("retention")]
    [Description("How long finished job records are kept.")]
    public RetentionSpec Retention { get; set; } = new();

    [JsonPropertyName("deletionPolicy")]
    [DefaultValue(SpecDefaults.DeletionPolicy)]
    [AllowedValues(DeletionPolicies.Retain, DeletionPolicies.Delete)]
    [Description("What happens to the SQS queues and the job table when the JobQueue is deleted: Retain (the default; the table is the only record of finished jobs) or Delete.")]
    public string DeletionPolicy { get; set; } = SpecDefaults.DeletionPolicy;
}
