using System.Net;
using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;
using Shoal.KubeApi.Tests.Support;

namespace Shoal.KubeApi.Tests.Client;

/// <summary>coordination.k8s.io/v1 leases: conflicts, and KubernetesClient's LeaderElector over a LeaseLock.</summary>
public sealed class LeaseTests : IAsyncLifetime
{
    private KubeApiServer server = null!;
    private Kubernetes client = null!;

    public async Task InitializeAsync()
    {
        server = await KubeApiServer.StartAsync();
        client = Clients.For(server);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Lease_create_and_replace_conflict_like_a_real_server()
    {
        var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = "shoal", NamespaceProperty = "default" }, Spec = new V1LeaseSpec { HolderIdentity = "a" } };
        var created = await client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "default");

        var duplicate = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "default"));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Response.StatusCode);
        Assert.Contains("leases.coordination.k8s.io \\\"shoal\\\" already exists", duplicate.Response.Content, StringComparison.Ordinal);

        created.Spec.HolderIdentity = "b";
        var replaced = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "shoal", "default");
        Assert.Equal("b", replaced.Spec.HolderIdentity);

        created.Spec.HolderIdentity = "c";
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "shoal", "default"));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Equal("b", (await client.CoordinationV1.ReadNamespacedLeaseAsync("shoal", "default")).Spec.HolderIdentity);
    }

    [Fact]
    public async Task The_leader_elector_acquires_the_lease_and_a_second_candidate_sees_the_leader()
    {
        LeaderElector Elector(string identity) => new(new LeaderElectionConfig(new LeaseLock(client, "default", "shoal-operator", identity))
        {
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        });

        using var stop = new CancellationTokenSource();
        using var first = Elector("replica-a");
        var leading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.OnStartedLeading += () => leading.TrySetResult();
        var firstRun = Task.Run(() => first.RunUntilLeadershipLostAsync(stop.Token));
        await leading.Task.WaitAsync(TimeSpan.FromSeconds(15));

        var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync("shoal-operator", "default");
        Assert.Equal("replica-a", lease.Spec.HolderIdentity);

        using var second = Elector("replica-b");
        var observed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondLeads = false;
        second.OnNewLeader += leader => observed.TrySetResult(leader);
        second.OnStartedLeading += () => secondLeads = true;
        var secondRun = Task.Run(() => second.RunUntilLeadershipLostAsync(stop.Token));
        Assert.Equal("replica-a", await observed.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.False(secondLeads);

        await stop.CancelAsync();
        await Task.WhenAll(firstRun, secondRun).ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.Contains(server.Requests, r => r is { Verb: "update", Resource: "leases", StatusCode: 200 });
    }
}
