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
    private long rounds;

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

    /// <summary>
    /// Collects now and then every <paramref name="period"/> until cancelled: the operator's timer. Each
    /// round asks <paramref name="knownWorkerIds"/> for the workers owned right then, before it lists
    /// instances, so an instance launched in between is younger than the grace period and spared. A
    /// failed round is logged and the next one tries again; <paramref name="collected"/> hears of every
    /// instance terminated.
    /// </summary>
    public async Task RunEveryAsync(
        TimeSpan period,
        Func<CancellationToken, Task<IReadOnlySet<string>>> knownWorkerIds,
        CancellationToken cancellationToken,
        Action<IReadOnlyList<string>>? collected = null)
    {
        ArgumentNullException.ThrowIfNull(knownWorkerIds);
        if (period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "the garbage collector's period must be positive (10 minutes, the grace period, is a good start)");
        }

        using var timer = new PeriodicTimer(period, time);
        try
        {
            do
            {
                try
                {
                    var terminated = await CollectAsync(await knownWorkerIds(cancellationToken), cancellationToken);
                    Interlocked.Increment(ref rounds);
                    if (terminated.Count > 0)
                    {
                        collected?.Invoke(terminated);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    var (reason, message) = AwsErrorClassifier.ToReasonMessage(e);
                    logger.LogWarning("Garbage collection of owner {Owner}'s instances failed ({Reason}: {Message}); trying again in {Period}", ownerId, reason, message, period);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped with the host.
        }
    }

    /// <summary>Rounds of <see cref="RunEveryAsync"/> that completed.</summary>
    public long Rounds => Interlocked.Read(ref rounds);

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
