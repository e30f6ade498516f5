using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Aws.Errors;
using Shoal.Aws.Interruptions;
using Shoal.Core.Ports;

namespace Shoal.Aws.Fleet;

/// <summary>
/// One pool's workers as EC2 instances. A worker's id is its instance id. Launches close together share
/// one CreateFleet; a launch retried with the same client token returns the first answer (in this process
/// from memory, across processes through EC2's client token and the launch-token tag); describes read a
/// pool-wide inventory; terminate is idempotent.
/// </summary>
public sealed class Ec2WorkerFleet : IWorkerFleet, IReclaimedOfferings, IDisposable
{
    private readonly Ec2PoolOptions options;
    private readonly IEc2Api ec2;
    private readonly TimeProvider time;
    private readonly AwsRetry retry;
    private readonly Ec2FleetTuning tuning;
    private readonly ILogger logger;
    private readonly FleetLauncher launcher;
    private readonly InstanceInventory inventory;
    private readonly LaunchBatcher batcher;
    private readonly ConcurrentDictionary<string, LaunchMemo> launches = new(StringComparer.Ordinal);

    public Ec2WorkerFleet(
        Ec2PoolOptions options,
        IEc2Api ec2,
        ISsmParameterApi? ssm,
        TimeProvider time,
        AwsRetry? retry = null,
        UnavailableOfferings? unavailable = null,
        Ec2FleetTuning? tuning = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ec2);
        ArgumentNullException.ThrowIfNull(time);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"WorkerPool '{options.PoolName}' cannot launch EC2 workers: {string.Join(" ", problems)}", nameof(options));
        }

        if (options.ImageId is null && ssm is null)
        {
            throw new ArgumentException($"WorkerPool '{options.PoolName}' takes its AMI from SSM parameter '{options.EffectiveImageParameter}', so the fleet needs an SSM client.", nameof(ssm));
        }

        this.options = options;
        this.ec2 = ec2;
        this.time = time;
        this.retry = retry ?? new AwsRetry(time);
        this.tuning = tuning ?? new Ec2FleetTuning();
        this.logger = logger ?? NullLogger.Instance;
        UnavailableOfferings = unavailable ?? new UnavailableOfferings(time);
        launcher = new FleetLauncher(options, ec2, ssm, UnavailableOfferings, this.retry, time, this.tuning, this.logger);
        inventory = new InstanceInventory(ec2, this.retry, time,
            [new Ec2Filter("tag:" + Ec2Tags.Owner, options.OwnerId), new Ec2Filter("tag:" + Ec2Tags.Pool, options.PoolName)],
            this.tuning.InventoryMaxAge, this.tuning.LaunchVisibilityGrace);
        batcher = new LaunchBatcher(time, this.tuning.BatchIdleWindow, this.tuning.BatchMaxWindow, this.tuning.MaxCapacityPerCall, LaunchBatchAsync);
    }

    public Ec2PoolOptions Options => options;

    public UnavailableOfferings UnavailableOfferings { get; }

    /// <summary>The tags every instance of this pool carries.</summary>
    public IReadOnlyDictionary<string, string> PoolTags => launcher.PoolTags;

    public string LaunchTemplateName => launcher.LaunchTemplateName;

    /// <summary>
    /// Cancelling gives up waiting, not the launch: a batch may hold other pools' requests, and what it
    /// launches is kept for a retry with the same token.
    /// </summary>
    public async Task<IReadOnlyList<WorkerInfo>> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.Equals(request.Pool, options.PoolName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"This fleet launches for pool '{options.PoolName}', not '{request.Pool}'.", nameof(request));
        }

        if (request.Count <= 0)
        {
            return [];
        }

        ForgetOldLaunches();
        var memo = launches.GetOrAdd(request.ClientToken, _ => new LaunchMemo(request, batcher, time.GetUtcNow()));
        var task = memo.Task;
        try
        {
            return await task.WaitAsync(cancellationToken);
        }
        catch when (task.IsFaulted || task.IsCanceled)
        {
            // A failed launch is not remembered: a retry with the same token asks EC2 again, whose own
            // client-token check stops a doubled launch if the failure hid a success.
            launches.TryRemove(new KeyValuePair<string, LaunchMemo>(request.ClientToken, memo));
            throw;
        }
    }

    /// <summary>
    /// From the pool's inventory. Ready means running: whether the SSM agent has registered is the
    /// command runner's concern (an undeliverable command is an infrastructure failure, not a job failure).
    /// </summary>
    public async Task<WorkerInfo?> DescribeAsync(string workerId, CancellationToken cancellationToken)
    {
        var instance = await inventory.GetAsync(workerId, cancellationToken);
        return instance is null ? null : Ec2Mapping.ToWorkerInfo(instance);
    }

    /// <summary>Terminates any instance it is named, including adopted ones whose loop retired.</summary>
    public async Task TerminateAsync(string workerId, string reason, CancellationToken cancellationToken)
    {
        logger.LogInformation("Pool {Pool}: terminating {Worker}: {Reason}", options.PoolName, workerId, reason);
        try
        {
            await retry.RunAsync(ct => ec2.TerminateInstancesAsync([workerId], ct), cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            // Gone already: terminating is idempotent.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var (why, message) = AwsErrorClassifier.ToReasonMessage(e);
            throw new Ec2FleetException(why, AwsErrorClassifier.Classify(e), $"Terminating worker {workerId} of pool '{options.PoolName}' failed: {message}", e);
        }

        inventory.MarkTerminating(workerId);
    }

    /// <summary>
    /// A spot interruption warning for one of this pool's instances: its (type, zone, spot) offering is
    /// marked unavailable for <see cref="UnavailableOfferings.Ttl"/>, so the replacement the pool launches
    /// next goes to another type or zone. From what the fleet already knows; no EC2 call.
    /// </summary>
    public bool MarkReclaimed(string instanceId)
    {
        if (inventory.Known(instanceId) is not { InstanceType: { } type, AvailabilityZone: { } zone } instance)
        {
            return false;
        }

        UnavailableOfferings.MarkUnavailable(type, zone, instance.CapacityType);
        logger.LogInformation("Pool {Pool}: {Instance} is being reclaimed; no new {Capacity} {Type} in {Zone} for {Ttl}", options.PoolName, instanceId, instance.CapacityType, type, zone, UnavailableOfferings.Ttl);
        return true;
    }

    public void Dispose() => batcher.Dispose();

    private async Task<IReadOnlyList<IReadOnlyList<WorkerInfo>>> LaunchBatchAsync(IReadOnlyList<LaunchRequest> requests)
    {
        var total = requests.Sum(r => r.Count);
        var token = ClientTokens.Combine(requests.Select(r => r.ClientToken));
        var instances = await launcher.LaunchAsync(total, token, CancellationToken.None);
        var now = time.GetUtcNow();
        foreach (var instance in instances)
        {
            inventory.AddLaunched(new Ec2Instance
            {
                InstanceId = instance.InstanceId,
                State = "pending",
                InstanceType = instance.InstanceType,
                AvailabilityZone = instance.AvailabilityZone,
                SubnetId = instance.SubnetId,
                CapacityType = instance.CapacityType,
                LaunchTime = now,
                Tags = launcher.PoolTags,
            });
        }

        // First come, first served when the batch came up short.
        var results = new List<IReadOnlyList<WorkerInfo>>(requests.Count);
        var next = 0;
        foreach (var request in requests)
        {
            var take = Math.Min(request.Count, instances.Count - next);
            results.Add([.. instances.Skip(next).Take(take).Select(i => Ec2Mapping.ToWorkerInfo(i, now))]);
            next += take;
        }

        return results;
    }

    private void ForgetOldLaunches()
    {
        var cutoff = time.GetUtcNow() - tuning.LaunchMemory;
        foreach (var (token, memo) in launches)
        {
            // A failed launch whose caller had stopped waiting is dropped too, so its retry asks again.
            if (memo.Task.IsCompleted && (memo.StartedAt < cutoff || !memo.Task.IsCompletedSuccessfully))
            {
                launches.TryRemove(new KeyValuePair<string, LaunchMemo>(token, memo));
            }
        }
    }

    private sealed class LaunchMemo(LaunchRequest request, LaunchBatcher batcher, DateTimeOffset startedAt)
    {
        // Lazy: GetOrAdd may build a memo for each of two racing callers; only the one stored launches.
        private readonly Lazy<Task<IReadOnlyList<WorkerInfo>>> task = new(() => batcher.EnqueueAsync(request));

        public DateTimeOffset StartedAt { get; } = startedAt;

        public Task<IReadOnlyList<WorkerInfo>> Task => task.Value;
    }
}
