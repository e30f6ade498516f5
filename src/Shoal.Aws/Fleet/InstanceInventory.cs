using System.Collections.Concurrent;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Fleet;

/// <summary>
/// The pool's instances from one paged DescribeInstances (by owner and pool tag), refreshed at most every
/// max age and only when asked: thousands of waiting workers cost one call per interval, not one each.
/// Instances outside the pool's tags (adopted ones) are remembered once asked for and fetched with it.
/// </summary>
internal sealed class InstanceInventory
{
    private readonly IEc2Api ec2;
    private readonly AwsRetry retry;
    private readonly TimeProvider time;
    private readonly IReadOnlyList<Ec2Filter> poolFilters;
    private readonly TimeSpan maxAge;
    private readonly TimeSpan launchGrace;
    private readonly object gate = new();
    private readonly ConcurrentDictionary<string, (Ec2Instance Instance, DateTimeOffset At)> launched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> outsiders = new(StringComparer.Ordinal);
    private Dictionary<string, Ec2Instance> snapshot = new(StringComparer.Ordinal);
    private DateTimeOffset refreshedAt = DateTimeOffset.MinValue;
    private Task<Dictionary<string, Ec2Instance>>? refreshing;

    public InstanceInventory(IEc2Api ec2, AwsRetry retry, TimeProvider time, IReadOnlyList<Ec2Filter> poolFilters, TimeSpan maxAge, TimeSpan launchGrace)
    {
        this.ec2 = ec2;
        this.retry = retry;
        this.time = time;
        this.poolFilters = poolFilters;
        this.maxAge = maxAge;
        this.launchGrace = launchGrace;
    }

    /// <summary>Seeds a just-launched instance: DescribeInstances may not show it for a while.</summary>
    public void AddLaunched(Ec2Instance instance) => launched[instance.InstanceId] = (instance, time.GetUtcNow());

    /// <summary>Until the next refresh says otherwise, a terminated worker reads as shutting down.</summary>
    public void MarkTerminating(string instanceId)
    {
        launched.TryRemove(instanceId, out _);
        lock (gate)
        {
            if (snapshot.TryGetValue(instanceId, out var known) && known.State is "pending" or "running" or "stopping" or "stopped")
            {
                snapshot = new Dictionary<string, Ec2Instance>(snapshot, StringComparer.Ordinal) { [instanceId] = known with { State = "shutting-down" } };
            }
        }
    }

    /// <summary>What is known of the instance without asking EC2: the last listing, or the launch.</summary>
    public Ec2Instance? Known(string instanceId)
    {
        lock (gate)
        {
            if (snapshot.TryGetValue(instanceId, out var listed))
            {
                return listed;
            }
        }

        return launched.TryGetValue(instanceId, out var seeded) ? seeded.Instance : null;
    }

    /// <summary>Null when EC2 does not know the instance (never launched, or terminated long ago).</summary>
    public async Task<Ec2Instance?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        var current = await SnapshotAsync(cancellationToken);
        if (current.TryGetValue(instanceId, out var instance))
        {
            launched.TryRemove(instanceId, out _);
            return instance;
        }

        if (launched.TryGetValue(instanceId, out var seeded))
        {
            if (time.GetUtcNow() - seeded.At < launchGrace)
            {
                return seeded.Instance;
            }

            launched.TryRemove(instanceId, out _);
        }

        // Not one of the pool's: an adopted instance, or gone. Ask for it alone once; if it exists, later
        // refreshes fetch it together with the pool.
        var found = (await Ec2Paging.ListByIdsAsync(ec2, retry, [instanceId], cancellationToken)).FirstOrDefault();
        if (found is null)
        {
            outsiders.TryRemove(instanceId, out _);
            return null;
        }

        outsiders.TryAdd(instanceId, 0);
        lock (gate)
        {
            snapshot = new Dictionary<string, Ec2Instance>(snapshot, StringComparer.Ordinal) { [instanceId] = found };
        }

        return found;
    }

    private Task<Dictionary<string, Ec2Instance>> SnapshotAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (time.GetUtcNow() - refreshedAt < maxAge)
            {
                return Task.FromResult(snapshot);
            }

            // One refresh for every caller that finds the list stale; it is not tied to any one caller's
            // cancellation, so a caller giving up does not fail the others.
            if (refreshing is null || refreshing.IsCompleted)
            {
                refreshing = RefreshAsync();
            }

            return refreshing.WaitAsync(cancellationToken);
        }
    }

    private async Task<Dictionary<string, Ec2Instance>> RefreshAsync()
    {
        await Task.Yield();
        var instances = await Ec2Paging.ListInstancesAsync(ec2, retry, poolFilters, CancellationToken.None);
        if (!outsiders.IsEmpty)
        {
            var adopted = await Ec2Paging.ListByIdsAsync(ec2, retry, [.. outsiders.Keys], CancellationToken.None);
            foreach (var gone in outsiders.Keys.Except(adopted.Select(i => i.InstanceId)))
            {
                outsiders.TryRemove(gone, out _);
            }

            instances.AddRange(adopted);
        }

        var fresh = new Dictionary<string, Ec2Instance>(StringComparer.Ordinal);
        foreach (var instance in instances)
        {
            fresh[instance.InstanceId] = instance;
        }

        lock (gate)
        {
            snapshot = fresh;
            refreshedAt = time.GetUtcNow();
        }

        return fresh;
    }
}
