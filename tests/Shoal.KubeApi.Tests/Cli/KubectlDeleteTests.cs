using System.Net;
using Shoal.KubeApi.Tests.Support;
using Shoal.Aws.Tests.Support;

namespace Shoal.KubeApi.Tests.Cli;

/// <summary>`kubectl delete` waits for finalizers: it watches the object by name until the DELETED event.</summary>
public sealed class KubectlDeleteTests : IAsyncLifetime
{
    private KubeApiServer server = null!;
    private Kubectl kubectl = null!;
    private RawApi api = null!;

    public async Task InitializeAsync()
    {
        server = await KubeApiServer.StartAsync();
        kubectl = new Kubectl(server);
        api = new RawApi(server);
        await api.RegisterGadgetsAsync();
    }

    public async Task DisposeAsync()
    {
        api.Dispose();
        kubectl.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Delete_blocks_until_the_finalizer_is_removed_then_completes()
    {
        await api.CreateGadgetAsync("held", extraMetadata: ""","finalizers":["testing.shoal.dev/hold"]""");

        using var delete = kubectl.Start("delete", "gadget", "held");
        await Eventually.TrueAsync(
            () => Task.FromResult(server.Requests.Any(r => r is { Verb: "watch", Resource: "gadgets" } && r.Query.Contains("fieldSelector=metadata.name%3Dheld", StringComparison.Ordinal))),
            "kubectl to watch the object it deletes");

        var (_, terminating, _) = await api.GetAsync($"{RawApi.Gadgets}/held");
        Assert.NotNull(terminating["metadata"]!["deletionTimestamp"]);
        Assert.False(delete.HasExited);

        await api.PatchAsync($"{RawApi.Gadgets}/held", """{"metadata":{"finalizers":null}}""");

        var result = await Kubectl.WaitAsync(delete);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("gadget.testing.shoal.dev \"held\" deleted\n", result.Stdout);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"{RawApi.Gadgets}/held")).Status);
    }

    [Fact]
    public async Task Delete_without_finalizers_is_immediate()
    {
        await api.CreateGadgetAsync("free");

        var result = (await kubectl.RunAsync("delete", "gadget", "free")).EnsureSuccess();

        Assert.Equal("gadget.testing.shoal.dev \"free\" deleted\n", result.Stdout);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"{RawApi.Gadgets}/free")).Status);
    }
}
