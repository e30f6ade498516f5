using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement.Model;
using Shoal.Aws.Errors;
using Shoal.Aws.Fleet;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Fleet;

/// <summary>
/// The fleet against moto's EC2 and SSM. moto launches, tags, describes and terminates for real, but its
/// spot market is fake: every CreateFleet takes all capacity from the first override, never reports a
/// capacity error or a partial answer, and ignores ClientToken. Those are covered over FakeEc2Api in
/// <see cref="Ec2WorkerFleetTests"/>.
/// </summary>
public sealed class Ec2WorkerFleetMotoTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string AdoptionKey = "my-scheduler";
    private readonly List<IDisposable> disposables = [];
    private AwsClients clients = null!;

    private static Ec2PoolOptions Options => new()
    {
        PoolName = "render",
        QueueName = "render-jobs",
        OwnerId = "cluster-1",
        InstanceTypes = ["m5.large", "m5a.large", "c5.large"],
        AdoptionTagKey = AdoptionKey,
        Tags = new Dictionary<string, string> { ["team"] = "vfx" },
    };

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        clients = moto.NewClients();
        disposables.Add(clients);
    }

    public Task DisposeAsync()
    {
        foreach (var disposable in disposables)
        {
            disposable.Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Launching_N_spot_workers_makes_N_tagged_spot_instances_in_the_default_VPCs_subnets()
    {
        var fleet = Fleet();

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 4, "render-1"), CancellationToken.None);

        Assert.Equal(4, workers.Count);
        var defaultSubnets = (await clients.Ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("default-for-az", ["true"])] }))
            .Subnets.Select(s => s.SubnetId).ToHashSet();
        var instances = await InstancesTaggedAsync(Ec2Tags.Owner, "cluster-1");
        Assert.Equal(workers.Select(w => w.WorkerId).Order(), instances.Select(i => i.InstanceId).Order());
        foreach (var instance in instances)
        {
            Assert.Equal(InstanceLifecycleType.Spot, instance.InstanceLifecycle);
            Assert.Contains(instance.SubnetId, defaultSubnets);
            var tags = instance.Tags.ToDictionary(t => t.Key, t => t.Value);
            Assert.Equal("render", tags[Ec2Tags.Pool]);
            Assert.Equal("render-jobs", tags[Ec2Tags.Queue]);
            Assert.Equal("render-jobs", tags[AdoptionKey]);
            Assert.Equal("vfx", tags["team"]);
            Assert.Equal("render-1", tags[Ec2Tags.LaunchToken]);
            Assert.Equal("shoal-render", tags["Name"]);
        }

        foreach (var worker in workers)
        {
            var described = await fleet.DescribeAsync(worker.WorkerId, CancellationToken.None);
            Assert.NotNull(described);
            Assert.Equal((WorkerState.Running, true, "spot"), (described.State, described.Ready, described.CapacityType));
            Assert.Equal(instances.Single(i => i.InstanceId == worker.WorkerId).Placement.AvailabilityZone, described.Zone);
            Assert.InRange(described.LaunchedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        }
    }

    [Fact]
    public async Task A_second_launch_with_the_same_client_token_launches_nothing()
    {
        // Proven in this process only: moto ignores CreateFleet's ClientToken, so EC2's own idempotency
        // (a restarted process replaying the token) is shown over FakeEc2Api.
        var fleet = Fleet();

        var first = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "tok"), CancellationToken.None);
        var second = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "tok"), CancellationToken.None);

        Assert.Equal(first.Select(w => w.WorkerId), second.Select(w => w.WorkerId));
        Assert.Equal(2, (await InstancesTaggedAsync(Ec2Tags.Owner, "cluster-1")).Count);
    }

    [Fact]
    public async Task An_on_demand_pool_launches_on_demand_instances()
    {
        var fleet = Fleet(Options with { Capacity = Ec2CapacityTypes.OnDemand });

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "od"), CancellationToken.None);

        Assert.Equal(2, workers.Count);
        Assert.All(await InstancesTaggedAsync(Ec2Tags.Owner, "cluster-1"), i => Assert.Null(i.InstanceLifecycle));
        Assert.All(workers, w => Assert.Equal("on-demand", w.CapacityType));
        Assert.Equal("on-demand", (await fleet.DescribeAsync(workers[0].WorkerId, CancellationToken.None))!.CapacityType);
    }

    [Fact]
    public async Task Terminate_is_idempotent_and_describe_follows_the_instance_state()
    {
        var fleet = Fleet(tuning: new Ec2FleetTuning { InventoryMaxAge = TimeSpan.Zero });
        var worker = Assert.Single(await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None));

        await fleet.TerminateAsync(worker.WorkerId, "Idle", CancellationToken.None);

        var described = await fleet.DescribeAsync(worker.WorkerId, CancellationToken.None);
        Assert.Contains(described!.State, new[] { WorkerState.ShuttingDown, WorkerState.Terminated });
        Assert.False(described.Ready);
        await fleet.TerminateAsync(worker.WorkerId, "Idle", CancellationToken.None);
        await fleet.TerminateAsync("i-00000000000000000", "Idle", CancellationToken.None);
        Assert.Null(await fleet.DescribeAsync("i-00000000000000000", CancellationToken.None));
    }

    [Fact]
    public async Task The_AMI_comes_from_an_SSM_parameter()
    {
        await clients.Ssm.PutParameterAsync(new PutParameterRequest { Name = "/shoal/render/ami", Value = "ami-0e1e769742d1cfb49", Type = Amazon.SimpleSystemsManagement.ParameterType.String });
        var fleet = Fleet(Options with { ImageParameter = "/shoal/render/ami" });

        var worker = Assert.Single(await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None));

        Assert.Equal("ami-0e1e769742d1cfb49", (await InstancesTaggedAsync(Ec2Tags.Owner, "cluster-1")).Single(i => i.InstanceId == worker.WorkerId).ImageId);
    }

    [Fact]
    public async Task Without_an_AMI_the_latest_Amazon_Linux_parameter_is_resolved()
    {
        var expected = (await clients.Ssm.GetParameterAsync(new GetParameterRequest { Name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" })).Parameter.Value;
        var fleet = Fleet();

        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None);

        Assert.Equal(expected, Assert.Single(await InstancesTaggedAsync(Ec2Tags.Owner, "cluster-1")).ImageId);
    }

    [Fact]
    public async Task A_second_fleet_for_the_same_pool_reuses_the_launch_template()
    {
        await Fleet().LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "a"), CancellationToken.None);
        await Fleet().LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "b"), CancellationToken.None);
        await Fleet(Options with { UserData = "#!/bin/bash\necho changed" }).LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "c"), CancellationToken.None);

        var templates = (await clients.Ec2.DescribeLaunchTemplatesAsync(new DescribeLaunchTemplatesRequest())).LaunchTemplates;
        Assert.Equal(2, templates.Count); // the changed user data made a second one
        Assert.All(templates, t => Assert.StartsWith("shoal-cluster-1-render-", t.LaunchTemplateName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_adapter_returns_empty_lists_for_nothing_and_pages_instances()
    {
        var api = new Ec2Api(clients.Ec2);
        Assert.Empty((await api.DescribeInstancesAsync(new Ec2InstanceQuery { Filters = [new Ec2Filter("tag:nothing", "here")] }, CancellationToken.None)).Instances);
        Assert.Null(await api.DescribeLaunchTemplateAsync("shoal-missing", CancellationToken.None));

        await Fleet().LaunchAsync(new LaunchRequest("render", "render-jobs", 7, "t"), CancellationToken.None);
        var first = await api.DescribeInstancesAsync(new Ec2InstanceQuery { MaxResults = 5 }, CancellationToken.None);
        Assert.NotNull(first.NextToken);
        var all = await Ec2Paging.ListInstancesAsync(api, new AwsRetry(TimeProvider.System), [new Ec2Filter("tag:" + Ec2Tags.Pool, "render")], CancellationToken.None);
        Assert.Equal(7, all.Select(i => i.InstanceId).Distinct().Count());
    }

    [Fact]
    public async Task An_unknown_subnet_fails_the_launch_with_a_message_that_names_it()
    {
        var fleet = Fleet(Options with { Subnets = ["subnet-0000000000000dead"] });

        var error = await Assert.ThrowsAsync<Ec2FleetException>(() => fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None));

        Assert.Equal(AwsErrorKind.NotFound, error.Kind);
        Assert.Contains("subnet-0000000000000dead", error.Message, StringComparison.Ordinal);
    }

    private Ec2WorkerFleet Fleet(Ec2PoolOptions? options = null, Ec2FleetTuning? tuning = null)
    {
        var fleet = new Ec2WorkerFleet(options ?? Options, new Ec2Api(clients.Ec2), new SsmParameterApi(clients.Ssm), TimeProvider.System, tuning: tuning);
        disposables.Add(fleet);
        return fleet;
    }

    private async Task<List<Instance>> InstancesTaggedAsync(string key, string value)
    {
        var response = await clients.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("tag:" + key, [value])] });
        return [.. (response.Reservations ?? []).SelectMany(r => r.Instances)];
    }
}
