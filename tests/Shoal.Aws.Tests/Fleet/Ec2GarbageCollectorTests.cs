using Amazon.EC2;
using Amazon.EC2.Model;
using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Errors;
using Shoal.Aws.Fleet;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Aws.Tests.Support;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Fleet;

/// <summary>The collector against moto (whose launch times are the wall clock, so the fake clock starts from it).</summary>
public sealed class Ec2GarbageCollectorTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private AwsClients clients = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        clients = moto.NewClients();
    }

    public Task DisposeAsync()
    {
        clients.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task On_a_period_each_round_reads_the_known_workers_afresh_and_a_failed_round_does_not_stop_the_next()
    {
        var api = new Ec2Api(clients.Ec2);
        using var fleet = new Ec2WorkerFleet(new Ec2PoolOptions
        {
            PoolName = "render",
            QueueName = "render-jobs",
            OwnerId = "cluster-1",
            InstanceTypes = ["m5.large"],
        }, api, new SsmParameterApi(clients.Ssm), TimeProvider.System);
        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 3, "t"), CancellationToken.None);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5));
        var log = new Commands.ListLogger();
        var collector = new Ec2GarbageCollector(api, "cluster-1", time, logger: log);
        var known = new HashSet<string>(workers.Select(w => w.WorkerId));
        var asked = 0;
        var collected = new List<string>();
        using var stop = new CancellationTokenSource();

        // The second round cannot read the known workers (a store that is down for a moment).
        var running = collector.RunEveryAsync(
            TimeSpan.FromMinutes(10),
            _ => Interlocked.Increment(ref asked) == 2
                ? throw new InvalidOperationException("the worker store is unreachable (scripted)")
                : Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(known)),
            stop.Token,
            ids => { lock (collected) { collected.AddRange(ids); } });
        await UntilAsync(() => collector.Rounds == 1);

        known.Remove(workers[1].WorkerId);
        time.Advance(TimeSpan.FromMinutes(10));
        await UntilAsync(() => log.Entries.Any(e => e.Contains("unreachable", StringComparison.Ordinal)));
        Assert.Empty(collected);

        // Round three: worker 1 is owned by no one and, 25 minutes old by now, is terminated.
        time.Advance(TimeSpan.FromMinutes(10));
        await UntilAsync(() => { lock (collected) { return collected.Count > 0; } });

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([workers[1].WorkerId], collected);
        Assert.Contains((await StatesAsync())[workers[1].WorkerId], new[] { "shutting-down", "terminated" });
        Assert.Equal("running", (await StatesAsync())[workers[0].WorkerId]);
    }

    private static Task UntilAsync(Func<bool> condition) => Eventually.TrueAsync(condition, "the collector's next step");

    [Fact]
    public async Task Orphans_older_than_the_grace_period_are_terminated_and_known_young_and_foreign_ones_are_left()
    {
        var api = new Ec2Api(clients.Ec2);
        using var fleet = new Ec2WorkerFleet(new Ec2PoolOptions
        {
            PoolName = "render",
            QueueName = "render-jobs",
            OwnerId = "cluster-1",
            InstanceTypes = ["m5.large"],
        }, api, new SsmParameterApi(clients.Ssm), TimeProvider.System);
        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 3, "t"), CancellationToken.None);
        var foreign = await RunAsync(new Tag(Ec2Tags.Owner, "cluster-2"));
        var untagged = await RunAsync(new Tag("team", "vfx"));
        var known = new HashSet<string> { workers[0].WorkerId };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5));
        var collector = new Ec2GarbageCollector(api, "cluster-1", time);

        Assert.Empty(await collector.CollectAsync(known, CancellationToken.None)); // all younger than 10 minutes

        time.Advance(TimeSpan.FromMinutes(6));
        var terminated = await collector.CollectAsync(known, CancellationToken.None);

        Assert.Equal(workers.Skip(1).Select(w => w.WorkerId).Order(), terminated.Order());
        var states = await StatesAsync();
        Assert.Equal("running", states[workers[0].WorkerId]);
        Assert.All(terminated, id => Assert.Contains(states[id], new[] { "shutting-down", "terminated" }));
        Assert.Equal("running", states[foreign]);
        Assert.Equal("running", states[untagged]);
        Assert.Empty(await collector.CollectAsync(known, CancellationToken.None));
    }

    [Fact]
    public async Task An_orphan_that_vanished_meanwhile_does_not_stop_the_others_from_being_collected()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var ec2 = new FakeEc2Api(time);
        var owned = new Dictionary<string, string> { [Ec2Tags.Owner] = "cluster-1" };
        var a = ec2.AddInstance(owned);
        var b = ec2.AddInstance(owned);
        ec2.TerminateInstances.FailsFirst(1, FakeEc2Api.Error("InvalidInstanceID.NotFound", "The instance ID 'i-x' does not exist"));
        time.Advance(TimeSpan.FromMinutes(11));
        var collector = new Ec2GarbageCollector(ec2, "cluster-1", time, new AwsRetry(time, baseDelay: TimeSpan.Zero));

        var terminated = await collector.CollectAsync(new HashSet<string>(), CancellationToken.None);

        Assert.Equal(new[] { a.InstanceId, b.InstanceId }.Order(), terminated.Order());
        Assert.Equal(3, ec2.TerminateInstances.Calls); // the pair, then each alone
        Assert.All(ec2.Instances, i => Assert.Equal("terminated", i.State));
    }

    private async Task<string> RunAsync(Tag tag)
    {
        var response = await clients.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-0e1e769742d1cfb49",
            InstanceType = InstanceType.T3Micro,
            MinCount = 1,
            MaxCount = 1,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [tag] }],
        });
        return response.Reservation.Instances[0].InstanceId;
    }

    private async Task<Dictionary<string, string>> StatesAsync()
    {
        var response = await clients.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest());
        return (response.Reservations ?? []).SelectMany(r => r.Instances).ToDictionary(i => i.InstanceId, i => i.State.Name.Value);
    }
}
