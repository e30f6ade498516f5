using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class WorkerPoolSpec
{
    [JsonPropertyName("jobQueueRef")]
    public JobQueueReference JobQueueRef { get; set; } = new();

    [JsonPropertyName("minWorkers")]
    public int MinWorkers { get; set; } = SpecDefaults.MinWorkers;

    [JsonPropertyName("maxWorkers")]
    public int MaxWorkers { get; set; } = SpecDefaults.MaxWorkers;

    // How many queued or running jobs justify one worker.
    [JsonPropertyName("jobsPerWorker")]
    public int JobsPerWorker { get; set; } = SpecDefaults.JobsPerWorker;

    // A worker with no job visible or in flight for this long retires itself.
    [JsonPropertyName("idleTimeoutSeconds")]
    public int IdleTimeoutSeconds { get; set; } = SpecDefaults.IdleTimeoutSeconds;

    // Null in the local mode, which launches processes; required by the AWS provider.
    [JsonPropertyName("template")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WorkerTemplate? Template { get; set; }

    // One of CapacityTypes.
    [JsonPropertyName("capacity")]
    public string Capacity { get; set; } = SpecDefaults.Capacity;

    // One of AllocationStrategies.
    [JsonPropertyName("allocationStrategy")]
    public string AllocationStrategy { get; set; } = SpecDefaults.AllocationStrategy;

    // One of Platforms; null means the JobQueue's jobDefaults.platform.
    [JsonPropertyName("platform")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Platform { get; set; }

    // Retire a worker after this many jobs; null for no limit.
    [JsonPropertyName("maxJobsPerWorker")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxJobsPerWorker { get; set; }

    // Retire a worker (after its current job) once this old; null for no limit.
    [JsonPropertyName("maxLifetimeSeconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxLifetimeSeconds { get; set; }

    // The seed's TagKey: running instances launched by anything else (Terraform, ParallelCluster, the
    // console) that carry this tag with the JobQueue's queue name as value are adopted as workers, and
    // terminated when the queue is drained. Null: nothing is adopted.
    [JsonPropertyName("adoptionTagKey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AdoptionTagKey { get; set; }
}
