using Shoal.Aws.Errors;

namespace Shoal.Aws.Fleet;

internal static class Ec2Paging
{
    public static readonly IReadOnlyList<string> LiveStates = ["pending", "running"];

    /// <summary>Every page, each call retried on throttling.</summary>
    public static async Task<List<Ec2Instance>> ListInstancesAsync(IEc2Api ec2, AwsRetry retry, IReadOnlyList<Ec2Filter> filters, CancellationToken cancellationToken)
    {
        var instances = new List<Ec2Instance>();
        string? next = null;
        do
        {
            var query = new Ec2InstanceQuery { Filters = filters, MaxResults = 1000, NextToken = next };
            var page = await retry.RunAsync(ct => ec2.DescribeInstancesAsync(query, ct), cancellationToken);
            instances.AddRange(page.Instances);
            next = page.NextToken;
        }
        while (next is not null);

        return instances;
    }

    /// <summary>By id through the instance-id filter, which skips unknown ids instead of failing them all.</summary>
    public static async Task<List<Ec2Instance>> ListByIdsAsync(IEc2Api ec2, AwsRetry retry, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var instances = new List<Ec2Instance>();
        foreach (var chunk in ids.Chunk(200))
        {
            instances.AddRange(await ListInstancesAsync(ec2, retry, [new Ec2Filter("instance-id", chunk)], cancellationToken));
        }

        return instances;
    }
}
