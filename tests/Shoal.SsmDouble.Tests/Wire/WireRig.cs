using Amazon.EC2;
using Amazon.EC2.Model;
using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Commands;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Ports;

namespace Shoal.SsmDouble.Tests.Wire;

/// <summary>
/// A reset moto, a fresh double on a FakeTimeProvider in front of it, and Shoal's AwsClients with only
/// SSM pointed at the double (as AWS_ENDPOINT_URL_SSM would), everything else at moto.
/// </summary>
internal sealed class WireRig : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private WireRig(FakeTimeProvider time, SsmDoubleServer server, AwsClients clients)
    {
        Time = time;
        Double = server;
        Clients = clients;
    }

    public FakeTimeProvider Time { get; }

    public SsmDoubleServer Double { get; }

    public AwsClients Clients { get; }

    public AwsSsmApi Api => new(Clients.Ssm);

    public static async Task<WireRig> StartAsync(MotoServer moto, Func<SsmDoubleOptions, SsmDoubleOptions>? configure = null)
    {
        await moto.ResetAsync();
        var time = new FakeTimeProvider(Start);
        var options = new SsmDoubleOptions { Upstream = moto.Endpoint, Time = time, DeliveryDelay = TimeSpan.FromSeconds(1) };
        var server = await SsmDoubleServer.StartAsync(configure?.Invoke(options) ?? options);
        var clients = new AwsClients(moto.Options with { ServiceEndpoints = new Dictionary<string, Uri> { ["SSM"] = server.BaseAddress } }, MotoServer.Credentials);
        return new WireRig(time, server, clients);
    }

    public static CommandRequest Request(string worker, IReadOnlyList<string> commands, TimeSpan? timeout = null) => new()
    {
        WorkerId = worker,
        JobId = "job-1",
        Attempt = 1,
        Document = "AWS-RunShellScript",
        Commands = commands,
        Timeout = timeout,
    };

    public async Task<string> LaunchAsync()
    {
        var launched = await Clients.Ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12c6146b", InstanceType = InstanceType.M5Large, MinCount = 1, MaxCount = 1 });
        return launched.Reservation.Instances[0].InstanceId;
    }

    public Task TerminateAsync(string instanceId) => Clients.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instanceId] });

    public SsmCommandRunner Runner(SsmCommandRunnerOptions? options = null) => SsmCommandRunner.Create(Clients, options ?? new SsmCommandRunnerOptions(), Time);

    public void Advance(double seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    public async ValueTask DisposeAsync()
    {
        Clients.Dispose();
        await Double.DisposeAsync();
    }
}
