using Shoal.Aws.Errors;
using Shoal.Core.Ports;

namespace Shoal.Aws.Fleet;

/// <summary>
/// The seed's Part 1: an instance launched by anything else (Terraform, ParallelCluster, the console) with
/// the configured tag key and a queue's name as value gets a worker loop, and Shoal terminates it when
/// that loop retires. Unlike the seed, the key must match exactly (not as a substring) and untagged
/// instances are simply not matched.
/// </summary>
public sealed class AdoptionScanner
{
    private readonly IEc2Api ec2;
    private readonly AwsRetry retry;

    public AdoptionScanner(IEc2Api ec2, string tagKey, TimeProvider time, AwsRetry? retry = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tagKey);
        this.ec2 = ec2;
        TagKey = tagKey;
        this.retry = retry ?? new AwsRetry(time);
    }

    public string TagKey { get; }

    /// <summary>
    /// Pending and running instances tagged TagKey=queue that no Shoal owns (no <see cref="Ec2Tags.Owner"/>
    /// tag, whichever owner: another cluster's workers are not ours to drive). The same instances come
    /// back on every scan; the host starts one loop per id.
    /// </summary>
    public async Task<IReadOnlyList<WorkerInfo>> ScanAsync(string queueName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName);
        var instances = await Ec2Paging.ListInstancesAsync(ec2, retry,
            [new Ec2Filter("tag:" + TagKey, queueName), new Ec2Filter("instance-state-name", Ec2Paging.LiveStates)],
            cancellationToken);
        return [.. instances.Where(i => !i.Tags.ContainsKey(Ec2Tags.Owner)).OrderBy(i => i.InstanceId, StringComparer.Ordinal).Select(Ec2Mapping.ToWorkerInfo)];
    }
}
