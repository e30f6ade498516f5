using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Fleet;

/// <summary>
/// Terminates live instances tagged with this owner that no worker owns: launches whose answer was lost
/// (a crash between CreateFleet and recording the worker), workers forgotten by a failed store. Adopted
/// instances carry no owner tag and are never touched.
/// </summary>
public sealed class Ec2GarbageCollector
{
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromMinutes(10);

    private readonly IEc2Api ec2;
    private readonly string ownerId;
    private readonly TimeProvider time;
    private readonly AwsRetry retry;
    private readonly ILogger logger;

    public Ec2GarbageCollector(IEc2Api ec2, string ownerId, TimeProvider time, AwsRetry? retry = null, TimeSpan? gracePeriod = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerId);
        this.ec2 = ec2;
        this.ownerId = ownerId;
        this.time = time;
        this.retry = retry ?? new AwsRetry(time);
        GracePeriod = gracePeriod ?? DefaultGracePeriod;
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Longer than a launch takes to be recorded, so a young instance is never mistaken for an orphan.</summary>
    public TimeSpan GracePeriod { get; }

    /// <summary>
    /// Returns the ids terminated. Pass every worker id the owner knows, across all pools. Read them
    /// before calling: an instance launched after that read is younger than the grace period and spared.
    /// </summary>
    public async Task<IReadOnlyList<string>> CollectAsync(IReadOnlySet<string> knownWorkerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(knownWorkerIds);
        var instances = await Ec2Paging.ListInstancesAsync(ec2, retry,
            [new Ec2Filter("tag:" + Ec2Tags.Owner, ownerId), new Ec2Filter("instance-state-name", Ec2Paging.LiveStates)],
            cancellationToken);
        var cutoff = time.GetUtcNow() - GracePeriod;
        var orphans = instances
            .Where(i => !knownWorkerIds.Contains(i.InstanceId) && i.LaunchTime is { } launched && launched < cutoff)
            .Select(i => i.InstanceId)
            .ToList();
        var terminated = new List<string>();
        foreach (var chunk in orphans.Chunk(500))
        {
            terminated.AddRange(await TerminateAsync(chunk, cancellationToken));
        }

        if (terminated.Count > 0)
        {
            logger.LogWarning("Terminated {Count} instance(s) of owner {Owner} that no worker owns: {Ids}", terminated.Count, ownerId, string.Join(", ", terminated));
        }

        return terminated;
    }

    private async Task<IReadOnlyList<string>> TerminateAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        try
        {
            await retry.RunAsync(ct => ec2.TerminateInstancesAsync(ids, ct), cancellationToken);
            return ids;
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound && ids.Count > 1)
        {
            // One id vanished meanwhile and EC2 refused the whole list: go one by one.
            var done = new List<string>();
            foreach (var id in ids)
            {
                done.AddRange(await TerminateAsync([id], cancellationToken));
            }

            return done;
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            return [];
        }
    }
}
