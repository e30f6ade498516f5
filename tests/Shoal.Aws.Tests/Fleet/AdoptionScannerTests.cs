using Amazon.EC2;
using Amazon.EC2.Model;
using Shoal.Aws.Fleet;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Fleet;

/// <summary>Adoption (the seed's Part 1) against moto: instances launched by something else, tagged key=queue.</summary>
public sealed class AdoptionScannerTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string Key = "my-scheduler";
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
    public async Task An_instance_tagged_with_the_key_and_the_queue_is_adopted_and_its_fleet_describes_and_terminates_it()
    {
        var api = new Ec2Api(clients.Ec2);
        using var fleet = new Ec2WorkerFleet(new Ec2PoolOptions
        {
            PoolName = "render",
            QueueName = "render-jobs",
            OwnerId = "cluster-1",
            InstanceTypes = ["m5.large"],
            AdoptionTagKey = Key,
        }, api, new SsmParameterApi(clients.Ssm), TimeProvider.System);
        await fleet.LaunchAsync(new LaunchRequest("render", "render-jobs", 1, "ours"), CancellationToken.None);
        var terraform = await RunAsync(new Tag(Key, "render-jobs"));
        await RunAsync(new Tag(Key, "other-jobs"));
        await RunAsync(new Tag(Key + "-suffix", "render-jobs")); // the seed matched keys by substring; we do not
        await RunAsync(new Tag(Key, "render-jobs"), new Tag(Ec2Tags.Owner, "cluster-2")); // another Shoal's worker
        var stopped = await RunAsync(new Tag(Key, "render-jobs"));
        await clients.Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [stopped] });
        var scanner = new AdoptionScanner(api, Key, TimeProvider.System);

        var adopted = await scanner.ScanAsync("render-jobs", CancellationToken.None);

        var worker = Assert.Single(adopted);
        Assert.Equal(terraform, worker.WorkerId);
        Assert.Equal((WorkerState.Running, true, "on-demand"), (worker.State, worker.Ready, worker.CapacityType));
        Assert.Equal(WorkerState.Running, (await fleet.DescribeAsync(terraform, CancellationToken.None))!.State);

        await fleet.TerminateAsync(terraform, "QueueDrained", CancellationToken.None);

        var state = (await clients.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [terraform] })).Reservations[0].Instances[0].State.Name.Value;
        Assert.Contains(state, new[] { "shutting-down", "terminated" });
        Assert.Empty(await scanner.ScanAsync("render-jobs", CancellationToken.None));
    }

    private async Task<string> RunAsync(params Tag[] tags)
    {
        var response = await clients.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-0e1e769742d1cfb49",
            InstanceType = InstanceType.T3Micro,
            MinCount = 1,
            MaxCount = 1,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [.. tags] }],
        });
        return response.Reservation.Instances[0].InstanceId;
    }
}
