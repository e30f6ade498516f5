using System.Collections.Concurrent;
using System.Globalization;
using Amazon.EC2;
using Amazon.EC2.Model;
using Shoal.SsmDouble.Http;

namespace Shoal.SsmDouble.Upstream;

/// <summary>
/// Which instances have an SSM agent to talk to. EC2 (moto) is the truth: only a running instance is
/// managed, and only once <see cref="SsmDoubleOptions.AgentRegistrationDelay"/> has passed since the
/// double first saw it running (its launch time is moto's wall clock, which a FakeTimeProvider does
/// not share).
/// </summary>
internal sealed class InstanceRegistry(IAmazonEC2 ec2, TimeProvider time, TimeSpan registrationDelay)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> firstSeenRunning = new(StringComparer.Ordinal);

    /// <summary>Instance id → EC2 state name ("running", "terminated", ...); ids EC2 does not know are absent.</summary>
    public async Task<IReadOnlyDictionary<string, string>> StatesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        if (instanceIds.Count == 0)
        {
            return states;
        }

        // A filter, not InstanceIds: EC2 fails the whole call for one unknown id, and an unknown id is an answer here.
        var request = new DescribeInstancesRequest { Filters = [new Filter("instance-id", [.. instanceIds])] };
        do
        {
            var page = await ec2.DescribeInstancesAsync(request, cancellationToken);
            foreach (var instance in (page.Reservations ?? []).SelectMany(r => r.Instances ?? []))
            {
                states[instance.InstanceId] = instance.State?.Name?.Value ?? "";
            }

            request.NextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(request.NextToken));

        return states;
    }

    /// <summary>Throws InvalidInstanceId, as SSM does, unless every instance is running and its agent has registered.</summary>
    public async Task EnsureManagedAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken)
    {
        var states = await StatesAsync(instanceIds, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var id in instanceIds)
        {
            if (states.GetValueOrDefault(id) != "running")
            {
                throw NotManaged(id, states.TryGetValue(id, out var state) ? $"EC2 reports it {state}" : "EC2 does not know it");
            }

            var seen = firstSeenRunning.GetOrAdd(id, now);
            var left = seen + registrationDelay - now;
            if (left > TimeSpan.Zero)
            {
                throw NotManaged(id, $"its SSM agent registers {registrationDelay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s after the instance is first seen running; {left.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s to go");
            }
        }
    }

    private static SsmFault NotManaged(string id, string why) =>
        new("InvalidInstanceId", $"Instances [[{id}]] not in a valid state for account 123456789012 ({why})");
}
