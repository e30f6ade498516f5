using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Api.V1Alpha1;

[CelRule("self.minWorkers <= self.maxWorkers",
    "minWorkers must be less than or equal to maxWorkers: raise maxWorkers or lower minWorkers",
    FieldPath = ".minWorkers")]
public sealed class WorkerPoolSpec
{
    [JsonPropertyName("jobQueueRef")]
    [Required]
    [Description("The JobQueue, in this namespace, whose jobs the pool's workers run.")]
    public JobQueueReference JobQueueRef { get; set; } = new();

    [JsonPropertyName("minWorkers")]
    [DefaultValue(SpecDefaults.MinWorkers)]
    [Range(0, int.MaxValue)]
    [Description("Workers kept running even with an empty queue. 0 lets the pool scale to zero.")]
    public int MinWorkers { get; set; } = SpecDefaults.MinWorkers;

    [JsonPropertyName("maxWorkers")]
    [DefaultValue(SpecDefaults.MaxWorkers)]
    [Range(0, int.MaxValue)]
    [Description("The most workers the pool runs at once, however deep the queue. 0 pauses the pool.")]
    public int MaxWorkers { get; set; } = SpecDefaults.MaxWorkers;

    [JsonPropertyName("jobsPerWorker")]
    [DefaultValue(SpecDefaults.JobsPerWorker)]
    [Range(1, int.MaxValue)]
    [Description("How many queued or running jobs justify one worker: the scaling target.")]
    public int JobsPerWorker { get; set; } = SpecDefaults.JobsPerWorker;

    [JsonPropertyName("idleTimeoutSeconds")]
    [DefaultValue(SpecDefaults.IdleTimeoutSeconds)]
    [Range(1, int.MaxValue)]
    [Description("A worker with no job visible or in flight for this long retires itself.")]
    public int IdleTimeoutSeconds { get; set; } = SpecDefaults.IdleTimeoutSeconds;

    [JsonPropertyName("template")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("How to launch a worker on EC2. Required on AWS; the local mode launches processes and ignores it.")]
    public WorkerTemplate? Template { get; set; }

    [JsonPropertyName("capacity")]
    [DefaultValue(SpecDefaults.Capacity)]
    [AllowedValues(CapacityTypes.Spot, CapacityTypes.OnDemand, CapacityTypes.SpotThenOnDemand)]
    [Description("What to launch: spot, on-demand, or spot-then-on-demand (on-demand only for the part of a launch spot could not fill).")]
    public string Capacity { get; set; } = SpecDefaults.Capacity;

    [JsonPropertyName("allocationStrategy")]
    [DefaultValue(SpecDefaults.AllocationStrategy)]
    [AllowedValues(AllocationStrategies.PriceCapacityOptimized, AllocationStrategies.CapacityOptimized, AllocationStrategies.LowestPrice, AllocationStrategies.Diversified)]
    [Description("The EC2 Fleet spot allocation strategy: price-capacity-optimized, capacity-optimized, lowest-price or diversified.")]
    public string AllocationStrategy { get; set; } = SpecDefaults.AllocationStrategy;

    [JsonPropertyName("platform")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [AllowedValues(Platforms.Linux, Platforms.Windows)]
    [Description("The workers' operating system: linux or windows. Left out, the JobQueue's jobDefaults.platform.")]
    public string? Platform { get; set; }

    [JsonPropertyName("maxJobsPerWorker")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Range(1, int.MaxValue)]
    [Description("Retire a worker after this many jobs. Left out, no limit.")]
    public int? MaxJobsPerWorker { get; set; }

    [JsonPropertyName("maxLifetimeSeconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Range(1, int.MaxValue)]
    [Description("Retire a worker, after its current job, once it is this old. Left out, no limit.")]
    public int? MaxLifetimeSeconds { get; set; }

    // The seed's TagKey.
    [JsonPropertyName("adoptionTagKey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("Adopt running instances launched by anything else (Terraform, ParallelCluster, the console) that carry this tag with the JobQueue's queue name as value: they become workers and are terminated when the queue is drained. Left out, nothing is adopted.")]
    public string? AdoptionTagKey { get; set; }
}
