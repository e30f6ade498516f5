using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Errors;
using Shoal.Aws.Fleet;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Fleet;

/// <summary>
/// The real fleet over <see cref="FakeEc2Api"/>: what moto cannot show (capacity errors, partial
/// fulfilment, client-token idempotency, throttling, permission errors) and the batching and caching,
/// which need a fake clock.
/// </summary>
public sealed class Ec2WorkerFleetTests : IDisposable
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeEc2Api ec2;
    private readonly FakeSsmParameterApi ssm = new();
    private readonly List<Ec2WorkerFleet> fleets = [];

    public Ec2WorkerFleetTests() => ec2 = new FakeEc2Api(time);

    private static Ec2PoolOptions Options => new()
    {
        PoolName = "render",
        QueueName = "render-jobs",
        OwnerId = "cluster-1",
        ImageId = "ami-0123456789abcdef0",
        InstanceTypes = ["m5.large", "m5a.large"],
        AdoptionTagKey = "my-scheduler",
        Tags = new Dictionary<string, string> { ["team"] = "vfx", [Ec2Tags.Owner] = "someone-else" },
    };

    private static Ec2FleetTuning Unbatched => new() { BatchIdleWindow = TimeSpan.Zero };

    public void Dispose()
    {
        foreach (var fleet in fleets)
        {
            fleet.Dispose();
        }
    }

    [Fact]
    public async Task A_launch_is_one_instant_fleet_over_every_type_and_subnet_with_the_pool_tags_and_the_callers_token()
    {
        var fleet = Fleet();

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 3, "render-1"), CancellationToken.None);

        Assert.Equal(3, workers.Count);
        Assert.All(workers, w => Assert.Equal((WorkerState.Pending, false, "spot"), (w.State, w.Ready, w.CapacityType)));
        var call = Assert.Single(ec2.CreateFleet.Inputs);
        Assert.Equal("render-1", call.ClientToken);
        Assert.Equal(3, call.TargetCapacity);
        Assert.Equal(Ec2CapacityTypes.Spot, call.CapacityType);
        Assert.Equal("price-capacity-optimized", call.AllocationStrategy);
        Assert.Equal(
            ["m5.large/subnet-0a", "m5.large/subnet-0b", "m5.large/subnet-0c", "m5a.large/subnet-0a", "m5a.large/subnet-0b", "m5a.large/subnet-0c"],
            call.Overrides.Select(o => $"{o.InstanceType}/{o.SubnetId}"));
        Assert.All(call.Overrides, o => Assert.Equal("ami-0123456789abcdef0", o.ImageId));

        var template = Assert.Single(ec2.Templates);
        Assert.Equal("render", template.Tags[Ec2Tags.Pool]);
        Assert.Equal("render-jobs", template.Tags[Ec2Tags.Queue]);
        Assert.Equal("cluster-1", template.Tags[Ec2Tags.Owner]); // ours win over the pool's own tags
        Assert.Equal("render-jobs", template.Tags["my-scheduler"]);
        Assert.Equal("vfx", template.Tags["team"]);
        foreach (var worker in workers)
        {
            var instance = ec2.Instance(worker.WorkerId);
            Assert.Equal("render-1", instance.Tags[Ec2Tags.LaunchToken]);
            Assert.Equal("cluster-1", instance.Tags[Ec2Tags.Owner]);
        }

        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "render-2"), CancellationToken.None);
        Assert.Equal(1, ec2.CreateLaunchTemplate.Calls);
        Assert.Equal(1, ec2.DescribeLaunchTemplate.Calls);
    }

    [Fact]
    public async Task A_capacity_error_marks_the_offering_unavailable_and_later_launches_skip_it_until_the_ttl_passes()
    {
        ec2.Capacity[("m5.large", "us-east-1a", "spot")] = 0;
        var fleet = Fleet();

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "t1"), CancellationToken.None);

        Assert.Equal(2, workers.Count);
        Assert.All(workers, w => Assert.Equal("us-east-1b", w.Zone));
        Assert.True(fleet.UnavailableOfferings.IsUnavailable("m5.large", "us-east-1a", "spot"));
        Assert.False(fleet.UnavailableOfferings.IsUnavailable("m5.large", "us-east-1a", "on-demand"));

        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t2"), CancellationToken.None);
        Assert.DoesNotContain(ec2.CreateFleet.Inputs[^1].Overrides, o => o is { InstanceType: "m5.large", SubnetId: "subnet-0a" });
        Assert.Equal(5, ec2.CreateFleet.Inputs[^1].Overrides.Count);

        time.Advance(UnavailableOfferings.DefaultTtl);
        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t3"), CancellationToken.None);
        Assert.Contains(ec2.CreateFleet.Inputs[^1].Overrides, o => o is { InstanceType: "m5.large", SubnetId: "subnet-0a" });
    }

    [Fact]
    public async Task A_reclaimed_spot_worker_marks_its_offering_so_the_replacement_launches_elsewhere()
    {
        var fleet = Fleet();
        var worker = Assert.Single(await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t1"), CancellationToken.None));

        Assert.True(fleet.MarkReclaimed(worker.WorkerId));

        Assert.True(fleet.UnavailableOfferings.IsUnavailable(worker.InstanceType!, worker.Zone!, "spot"));
        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t2"), CancellationToken.None);
        var subnet = worker.Zone == "us-east-1a" ? "subnet-0a" : worker.Zone == "us-east-1b" ? "subnet-0b" : "subnet-0c";
        Assert.DoesNotContain(ec2.CreateFleet.Inputs[^1].Overrides, o => o.InstanceType == worker.InstanceType && o.SubnetId == subnet);
        Assert.False(fleet.MarkReclaimed("i-not-ours"));
    }

    [Fact]
    public async Task After_partial_fulfilment_the_shortfall_is_launched_elsewhere_in_the_same_launch()
    {
        ec2.FillAcrossOverrides = false;
        ec2.Capacity[("m5.large", "us-east-1a", "spot")] = 2;
        var fleet = Fleet();

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 5, "t"), CancellationToken.None);

        Assert.Equal(5, workers.Count);
        Assert.Equal(5, workers.Select(w => w.WorkerId).Distinct().Count());
        Assert.Equal(["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1b", "us-east-1b"], workers.Select(w => w.Zone));
        Assert.Equal([("t", 5), ("t-2", 3)], ec2.CreateFleet.Inputs.Select(i => (i.ClientToken, i.TargetCapacity)));
        Assert.True(fleet.UnavailableOfferings.IsUnavailable("m5.large", "us-east-1a", "spot"));
    }

    [Fact]
    public async Task A_shortfall_without_a_reason_marks_the_pools_the_call_drew_from()
    {
        ec2.FillAcrossOverrides = false;
        ec2.SilentShortfall = true;
        ec2.Capacity[("m5.large", "us-east-1a", "spot")] = 2;
        var fleet = Fleet();

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 5, "t"), CancellationToken.None);

        Assert.Equal(5, workers.Count);
        Assert.Equal(2, ec2.CreateFleet.Calls);
        Assert.True(fleet.UnavailableOfferings.IsUnavailable("m5.large", "us-east-1a", "spot"));
    }

    [Fact]
    public async Task The_shortfall_is_retried_once_then_the_launch_returns_what_it_got()
    {
        ec2.FillAcrossOverrides = false;
        foreach (var type in new[] { "m5.large", "m5a.large" })
        {
            foreach (var zone in new[] { "us-east-1a", "us-east-1b", "us-east-1c" })
            {
                ec2.Capacity[(type, zone, "spot")] = 1;
            }
        }

        var fleet = Fleet();

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 5, "t"), CancellationToken.None);

        Assert.Equal(2, workers.Count);
        Assert.Equal(2, ec2.CreateFleet.Calls);
        Assert.Equal(2, fleet.UnavailableOfferings.Current().Count);
    }

    [Fact]
    public async Task Spot_then_on_demand_fills_the_spot_shortfall_on_demand()
    {
        NoSpotAnywhere();
        var fleet = Fleet(Options with { Capacity = Ec2CapacityTypes.SpotThenOnDemand });

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 3, "t"), CancellationToken.None);

        Assert.Equal(3, workers.Count);
        Assert.All(workers, w => Assert.Equal("on-demand", w.CapacityType));
        Assert.Equal([("spot", "t", 3), ("on-demand", "t-2", 3)], ec2.CreateFleet.Inputs.Select(i => (i.CapacityType, i.ClientToken, i.TargetCapacity)));
        Assert.Equal(6, fleet.UnavailableOfferings.Current().Count);
    }

    [Fact]
    public async Task A_spot_pool_does_not_fall_back_to_on_demand_and_running_out_is_not_an_error()
    {
        NoSpotAnywhere();
        var fleet = Fleet();

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 3, "t"), CancellationToken.None);

        Assert.Empty(workers);
        Assert.All(ec2.CreateFleet.Inputs, i => Assert.Equal("spot", i.CapacityType));
        Assert.Equal(1, ec2.CreateFleet.Calls); // the second pass has no offering left to try
    }

    [Fact]
    public async Task An_on_demand_pool_asks_for_on_demand_only()
    {
        var fleet = Fleet(Options with { Capacity = Ec2CapacityTypes.OnDemand });

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "t"), CancellationToken.None);

        Assert.All(workers, w => Assert.Equal("on-demand", w.CapacityType));
        Assert.Equal("on-demand", Assert.Single(ec2.CreateFleet.Inputs).CapacityType);
    }

    [Fact]
    public async Task More_than_60_offerings_are_split_into_calls_of_at_most_60_in_order_of_preference()
    {
        var types = Enumerable.Range(1, 21).Select(i => $"c{i}.large").ToList();
        foreach (var type in types.Take(20))
        {
            foreach (var subnet in ec2.Subnets)
            {
                ec2.Capacity[(type, subnet.AvailabilityZone, "spot")] = 0;
            }
        }

        var fleet = Fleet(Options with { InstanceTypes = types });

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "t"), CancellationToken.None);

        Assert.Equal(2, workers.Count);
        Assert.All(workers, w => Assert.Equal("c21.large", w.InstanceType));
        Assert.Equal([60, 3], ec2.CreateFleet.Inputs.Select(i => i.Overrides.Count));
        Assert.Equal(types.Take(20), ec2.CreateFleet.Inputs[0].Overrides.Select(o => o.InstanceType).Distinct());
        Assert.Equal(["t", "t-2"], ec2.CreateFleet.Inputs.Select(i => i.ClientToken));
    }

    [Fact]
    public async Task A_launch_larger_than_one_call_takes_is_split_by_capacity()
    {
        var fleet = Fleet(tuning: Unbatched with { MaxCapacityPerCall = 4 });

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 10, "t"), CancellationToken.None);

        Assert.Equal(10, workers.Count);
        Assert.Equal([4, 4, 2], ec2.CreateFleet.Inputs.Select(i => i.TargetCapacity));
    }

    [Fact]
    public async Task Launches_within_the_idle_window_share_one_CreateFleet_and_each_gets_its_own_workers()
    {
        var fleet = Fleet(tuning: new Ec2FleetTuning { BatchIdleWindow = TimeSpan.FromMilliseconds(35), BatchMaxWindow = TimeSpan.FromSeconds(1) });

        var a = fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "a"), CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(20));
        var b = fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "b"), CancellationToken.None);
        var c = fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 3, "c"), CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(0, ec2.CreateFleet.Calls); // b and c restarted the idle window

        time.Advance(TimeSpan.FromMilliseconds(15));
        var results = await Task.WhenAll(a, b, c).WaitAsync(TimeSpan.FromSeconds(10));

        var call = Assert.Single(ec2.CreateFleet.Inputs);
        Assert.Equal(6, call.TargetCapacity);
        Assert.StartsWith("batch-", call.ClientToken, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], results.Select(r => r.Count));
        Assert.Equal(6, results.SelectMany(r => r).Select(w => w.WorkerId).Distinct().Count());
    }

    [Fact]
    public async Task A_steady_stream_of_launches_is_sent_when_the_first_has_waited_the_max_window()
    {
        var fleet = Fleet(tuning: new Ec2FleetTuning { BatchIdleWindow = TimeSpan.FromMilliseconds(35), BatchMaxWindow = TimeSpan.FromMilliseconds(100) });

        var launches = new List<Task<IReadOnlyList<WorkerInfo>>>();
        for (var i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(30));
            }

            launches.Add(fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, $"l{i}"), CancellationToken.None));
        }

        Assert.Equal(0, ec2.CreateFleet.Calls); // 90 ms in, and the idle window never passed

        time.Advance(TimeSpan.FromMilliseconds(10)); // 100 ms after the first launch; idle alone would wait until 125
        await Task.WhenAll(launches).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(4, Assert.Single(ec2.CreateFleet.Inputs).TargetCapacity);
    }

    [Fact]
    public async Task Launches_still_waiting_for_their_batch_fail_when_the_fleet_is_disposed()
    {
        var fleet = Fleet(tuning: new Ec2FleetTuning());
        var waiting = fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None);

        fleet.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        Assert.Equal(0, ec2.CreateFleet.Calls);
    }

    [Fact]
    public async Task A_caller_that_stopped_waiting_gets_the_launch_on_retry()
    {
        var fleet = Fleet(tuning: new Ec2FleetTuning());
        using var cancel = new CancellationTokenSource();
        var first = fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "t"), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        time.Advance(TimeSpan.FromSeconds(1));
        var retried = fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "t"), CancellationToken.None);

        Assert.Equal(2, (await retried.WaitAsync(TimeSpan.FromSeconds(10))).Count);
        Assert.Equal(1, ec2.CreateFleet.Calls);
    }

    [Fact]
    public async Task The_same_client_token_launches_once_in_this_process_and_through_EC2s_token_after_a_restart()
    {
        var fleet = Fleet();
        var first = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "tok"), CancellationToken.None);

        var again = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "tok"), CancellationToken.None);
        Assert.Equal(first.Select(w => w.WorkerId), again.Select(w => w.WorkerId));
        Assert.Equal(1, ec2.CreateFleet.Calls);

        var restarted = Fleet();
        var afterRestart = await restarted.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "tok"), CancellationToken.None);

        Assert.Equal(2, ec2.CreateFleet.Calls);
        Assert.Equal("tok", ec2.CreateFleet.Inputs[1].ClientToken);
        Assert.Equal(first.Select(w => w.WorkerId), afterRestart.Select(w => w.WorkerId));
        Assert.Equal(2, ec2.Instances.Count);
    }

    [Fact]
    public async Task A_replayed_token_with_other_offerings_returns_what_the_first_call_launched()
    {
        var first = await Fleet().LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "tok"), CancellationToken.None);

        // After a restart the unavailable offerings differ, so the replay's overrides differ and EC2
        // answers IdempotentParameterMismatch instead of the first answer.
        var offerings = new UnavailableOfferings(time);
        offerings.MarkUnavailable("m5a.large", "us-east-1c", "spot");
        var restarted = Fleet(unavailable: offerings);
        var replay = await restarted.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "tok"), CancellationToken.None);

        Assert.Equal(first.Select(w => w.WorkerId).Order(), replay.Select(w => w.WorkerId).Order());
        Assert.Equal(2, ec2.Instances.Count);
    }

    [Fact]
    public async Task A_throttled_CreateFleet_is_retried_with_the_same_token()
    {
        ec2.CreateFleet.FailsFirst(2, FakeEc2Api.Error("RequestLimitExceeded", "Request limit exceeded."));
        var fleet = Fleet();

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "tok"), CancellationToken.None);

        Assert.Equal(2, workers.Count);
        Assert.Equal(["tok", "tok", "tok"], ec2.CreateFleet.Inputs.Select(i => i.ClientToken));
        Assert.Equal(2, ec2.Instances.Count);
    }

    [Fact]
    public async Task Unauthorized_surfaces_at_once_with_what_to_grant_and_a_later_launch_asks_again()
    {
        ec2.CreateFleet.FailsFirst(1, FakeEc2Api.Error("UnauthorizedOperation", "You are not authorized to perform this operation.", System.Net.HttpStatusCode.Forbidden));
        var fleet = Fleet();

        var error = await Assert.ThrowsAsync<Ec2FleetException>(() => fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "tok"), CancellationToken.None));

        Assert.Equal("AwsUnauthorized", error.Reason);
        Assert.Equal(AwsErrorKind.Unauthorized, error.Kind);
        Assert.Contains("pool 'render'", error.Message, StringComparison.Ordinal);
        Assert.Contains("UnauthorizedOperation: You are not authorized to perform this operation. The operator's IAM role", error.Message, StringComparison.Ordinal);
        Assert.Contains("ec2:CreateFleet", error.Message, StringComparison.Ordinal);
        Assert.Contains("iam:PassRole", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, ec2.CreateFleet.Calls);

        Assert.Equal(2, (await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 2, "tok"), CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Per_override_errors_that_are_not_about_capacity_fail_a_launch_that_got_nothing()
    {
        ec2.CreateFleet.Returns(new Ec2FleetResult("fleet-1", [],
            [new Ec2FleetError("InvalidParameterValue", "Value (nope) for parameter iamInstanceProfile.name is invalid.", "m5.large", "subnet-0a", "us-east-1a", "spot")]));
        var fleet = Fleet();

        var error = await Assert.ThrowsAsync<Ec2FleetException>(() => fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None));

        Assert.Equal("AwsInvalidRequest", error.Reason);
        Assert.Contains("iamInstanceProfile", error.Message, StringComparison.Ordinal);
        Assert.Empty(fleet.UnavailableOfferings.Current());
    }

    [Fact]
    public async Task A_deleted_launch_template_is_created_again()
    {
        var fleet = Fleet();
        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t1"), CancellationToken.None);
        ec2.DeleteLaunchTemplates();

        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t2"), CancellationToken.None);

        Assert.Single(workers);
        Assert.Equal(2, ec2.CreateLaunchTemplate.Calls);
    }

    [Fact]
    public async Task Describe_reads_one_pool_wide_list_refreshed_at_most_every_max_age()
    {
        var fleet = Fleet();
        var workers = await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 5, "t"), CancellationToken.None);

        var described = await Task.WhenAll(workers.Select(w => fleet.DescribeAsync(w.WorkerId, CancellationToken.None)));

        Assert.All(described, d => Assert.Equal((WorkerState.Running, true), (d!.State, d.Ready)));
        Assert.Equal(1, ec2.DescribeInstances.Calls);
        var query = ec2.DescribeInstances.Inputs[0];
        Assert.Contains(new Ec2Filter("tag:" + Ec2Tags.Owner, "cluster-1"), query.Filters, FilterComparer.Instance);
        Assert.Contains(new Ec2Filter("tag:" + Ec2Tags.Pool, "render"), query.Filters, FilterComparer.Instance);

        await fleet.DescribeAsync(workers[0].WorkerId, CancellationToken.None);
        Assert.Equal(1, ec2.DescribeInstances.Calls);

        time.Advance(new Ec2FleetTuning().InventoryMaxAge);
        await Task.WhenAll(workers.Select(w => fleet.DescribeAsync(w.WorkerId, CancellationToken.None)));
        Assert.Equal(2, ec2.DescribeInstances.Calls);
    }

    [Fact]
    public async Task A_just_launched_instance_describe_does_not_show_yet_reads_as_pending_for_a_while()
    {
        var fleet = Fleet();
        var worker = Assert.Single(await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None));
        ec2.Invisible.Add(worker.WorkerId);

        Assert.Equal(WorkerState.Pending, (await fleet.DescribeAsync(worker.WorkerId, CancellationToken.None))!.State);

        time.Advance(new Ec2FleetTuning().LaunchVisibilityGrace);
        Assert.Null(await fleet.DescribeAsync(worker.WorkerId, CancellationToken.None));
    }

    [Fact]
    public async Task An_instance_outside_the_pool_is_described_by_id_and_then_fetched_with_the_pool()
    {
        var adopted = ec2.AddInstance(new Dictionary<string, string> { ["my-scheduler"] = "render-jobs" });
        var fleet = Fleet();

        Assert.Equal(WorkerState.Running, (await fleet.DescribeAsync(adopted.InstanceId, CancellationToken.None))!.State);
        Assert.Equal(2, ec2.DescribeInstances.Calls); // the pool, then the id

        time.Advance(new Ec2FleetTuning().InventoryMaxAge);
        Assert.NotNull(await fleet.DescribeAsync(adopted.InstanceId, CancellationToken.None));
        Assert.Equal(4, ec2.DescribeInstances.Calls); // the pool and the known outsiders, in one refresh
        Assert.Contains(ec2.DescribeInstances.Inputs[^1].Filters, f => f.Name == "instance-id" && f.Values.Contains(adopted.InstanceId));

        Assert.Null(await fleet.DescribeAsync("i-0000000000000dead", CancellationToken.None));
    }

    [Fact]
    public async Task Terminate_is_idempotent_and_describe_follows_it()
    {
        var fleet = Fleet();
        var worker = Assert.Single(await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None));
        await fleet.DescribeAsync(worker.WorkerId, CancellationToken.None);

        await fleet.TerminateAsync(worker.WorkerId, "Idle", CancellationToken.None);
        Assert.Equal(WorkerState.ShuttingDown, (await fleet.DescribeAsync(worker.WorkerId, CancellationToken.None))!.State);
        time.Advance(new Ec2FleetTuning().InventoryMaxAge);
        Assert.Equal(WorkerState.Terminated, (await fleet.DescribeAsync(worker.WorkerId, CancellationToken.None))!.State);

        await fleet.TerminateAsync(worker.WorkerId, "Idle", CancellationToken.None);
        await fleet.TerminateAsync("i-0000000000000dead", "Idle", CancellationToken.None);
        Assert.Equal(3, ec2.TerminateInstances.Calls);
    }

    [Fact]
    public async Task A_terminate_EC2_refuses_says_so()
    {
        ec2.TerminateInstances.FailsAlways(FakeEc2Api.Error("UnauthorizedOperation", "You are not authorized.", System.Net.HttpStatusCode.Forbidden));
        var fleet = Fleet();

        var error = await Assert.ThrowsAsync<Ec2FleetException>(() => fleet.TerminateAsync("i-0123", "Idle", CancellationToken.None));

        Assert.Equal("AwsUnauthorized", error.Reason);
        Assert.Contains("i-0123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_AMI_comes_from_the_SSM_parameter_and_is_looked_up_again_after_the_cache_expires()
    {
        ssm.Parameters["/shoal/render/ami"] = "ami-0aaaaaaaaaaaaaaaa";
        var fleet = Fleet(Options with { ImageId = null, ImageParameter = "/shoal/render/ami" });

        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t1"), CancellationToken.None);
        ssm.Parameters["/shoal/render/ami"] = "ami-0bbbbbbbbbbbbbbbb";
        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t2"), CancellationToken.None);
        time.Advance(new Ec2FleetTuning().ImageCacheTtl);
        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t3"), CancellationToken.None);

        Assert.Equal(["ami-0aaaaaaaaaaaaaaaa", "ami-0aaaaaaaaaaaaaaaa", "ami-0bbbbbbbbbbbbbbbb"], ec2.CreateFleet.Inputs.Select(i => i.Overrides[0].ImageId));
        Assert.Equal(2, ssm.GetParameter.Calls);
        Assert.Single(ec2.Templates); // a new image needs no new launch template
    }

    [Fact]
    public async Task Without_an_AMI_the_platforms_latest_Amazon_image_parameter_is_used()
    {
        ssm.Parameters["/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base"] = "ami-0cccccccccccccccc";
        var fleet = Fleet(Options with { ImageId = null, Platform = "windows" });

        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None);

        Assert.Equal("ami-0cccccccccccccccc", ec2.CreateFleet.Inputs[0].Overrides[0].ImageId);
    }

    [Fact]
    public async Task A_missing_AMI_parameter_is_named_in_the_error()
    {
        var fleet = Fleet(Options with { ImageId = null, ImageParameter = "/shoal/missing" });

        var error = await Assert.ThrowsAsync<Ec2FleetException>(() => fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None));

        Assert.Equal("ImageParameterNotFound", error.Reason);
        Assert.Contains("/shoal/missing", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, ec2.CreateFleet.Calls);
    }

    [Fact]
    public async Task Configured_subnets_are_used_in_their_order_and_an_unknown_one_is_named()
    {
        var fleet = Fleet(Options with { Subnets = ["subnet-0c", "subnet-0a"] });
        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None);
        Assert.Equal(["subnet-0c", "subnet-0a"], ec2.CreateFleet.Inputs[0].Overrides.Select(o => o.SubnetId).Distinct());

        ec2.DescribeSubnets.Returns([ec2.Subnets[0]]);
        var broken = Fleet(Options with { Subnets = ["subnet-0a", "subnet-0zz"] });
        var error = await Assert.ThrowsAsync<Ec2FleetException>(() => broken.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t2"), CancellationToken.None));
        Assert.Contains("subnet-0zz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_region_without_a_default_VPC_asks_for_subnets()
    {
        ec2.Subnets.Clear();
        var fleet = Fleet();

        var error = await Assert.ThrowsAsync<Ec2FleetException>(() => fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "t"), CancellationToken.None));

        Assert.Equal("NoSubnets", error.Reason);
    }

    [Fact]
    public void Options_that_cannot_launch_are_refused_with_every_problem()
    {
        var error = Assert.Throws<ArgumentException>(() => Fleet(Options with
        {
            ImageParameter = "/x",
            InstanceTypes = [],
            Capacity = "cheap",
            AllocationStrategy = "random",
            Subnets = ["vpc-1"],
        }));

        foreach (var fragment in new[] { "not both", "at least one instance type", "'cheap'", "'random'", "subnet ids" })
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_launch_for_another_pool_is_a_wiring_bug()
    {
        var fleet = Fleet();

        await Assert.ThrowsAsync<ArgumentException>(() => fleet.LaunchAsync(new LaunchRequest("other", "render-jobs", 1, "t"), CancellationToken.None));
    }

    private void NoSpotAnywhere()
    {
        foreach (var type in new[] { "m5.large", "m5a.large" })
        {
            foreach (var subnet in ec2.Subnets)
            {
                ec2.Capacity[(type, subnet.AvailabilityZone, "spot")] = 0;
            }
        }
    }

    private Ec2WorkerFleet Fleet(Ec2PoolOptions? options = null, Ec2FleetTuning? tuning = null, UnavailableOfferings? unavailable = null)
    {
        var fleet = new Ec2WorkerFleet(options ?? Options, ec2, ssm, time, new AwsRetry(time, baseDelay: TimeSpan.Zero), unavailable, tuning ?? Unbatched);
        fleets.Add(fleet);
        return fleet;
    }

    private sealed class FilterComparer : IEqualityComparer<Ec2Filter>
    {
        public static readonly FilterComparer Instance = new();

        public bool Equals(Ec2Filter? x, Ec2Filter? y) => x is not null && y is not null && x.Name == y.Name && x.Values.SequenceEqual(y.Values);

        public int GetHashCode(Ec2Filter obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
