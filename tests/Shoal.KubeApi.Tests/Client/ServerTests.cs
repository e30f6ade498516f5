using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Shoal.KubeApi.Tests.Support;

namespace Shoal.KubeApi.Tests.Client;

/// <summary>The harness around the emulator: kubeconfig, discovery, OpenAPI, request log, failure injection, the standalone program.</summary>
public sealed class ServerTests : IAsyncLifetime
{
    private KubeApiServer server = null!;
    private RawApi api = null!;

    public async Task InitializeAsync()
    {
        server = await KubeApiServer.StartAsync();
        api = new RawApi(server);
    }

    public async Task DisposeAsync()
    {
        api.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task The_written_kubeconfig_works_with_kubernetes_client()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "config");
        server.WriteKubeconfig(path, "kube-system");

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        using var client = new Kubernetes(config);
        var namespaces = await client.CoreV1.ListNamespaceAsync();

        Assert.Equal("kube-system", config.Namespace);
        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], namespaces.Items.Select(n => n.Metadata.Name));
        Assert.All(namespaces.Items, n => Assert.Equal("Active", n.Status.Phase));
    }

    [Fact]
    public async Task Discovery_answers_aggregated_or_legacy_as_the_accept_header_asks()
    {
        await api.RegisterGadgetsAsync();
        const string Aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.TryAddWithoutValidation("Accept", Aggregated);
        using var response = await http.SendAsync(request);
        var contentType = response.Content.Headers.ContentType!;
        Assert.Equal("application/json", contentType.MediaType);
        Assert.Equal(["as=APIGroupDiscoveryList", "g=apidiscovery.k8s.io", "v=v2"], contentType.Parameters.Select(p => $"{p.Name}={p.Value}").Order());
        var aggregated = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var gadgets = aggregated["items"]!.AsArray().Single(g => (string?)g!["metadata"]!["name"] == "testing.shoal.dev")!["versions"]![0]!["resources"]![0]!;
        Assert.Equal(("gadgets", "Namespaced", "Gadget", "gd", "shoal", "status"),
            ((string?)gadgets["resource"], (string?)gadgets["scope"], (string?)gadgets["responseKind"]!["kind"], (string?)gadgets["shortNames"]![0],
             (string?)gadgets["categories"]![0], (string?)gadgets["subresources"]![0]!["subresource"]));

        var (_, legacy, _) = await api.GetAsync("/apis", accept: "application/json");
        Assert.Equal("APIGroupList", (string?)legacy["kind"]);
        var (_, resources, _) = await api.GetAsync("/apis/testing.shoal.dev/v1");
        Assert.Equal(["gadgets", "gadgets/status"], resources["resources"]!.AsArray().Select(r => (string)r!["name"]!));
        var (_, version, _) = await api.GetAsync("/version");
        Assert.Equal(("1", "32"), ((string?)version["major"], (string?)version["minor"]));
    }

    [Fact]
    public async Task OpenApi_v3_declares_a_patch_with_field_validation_for_every_kind()
    {
        await api.RegisterGadgetsAsync();

        var (_, root, _) = await api.GetAsync("/openapi/v3");
        var paths = root["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(["api/v1", "apis/apiextensions.k8s.io/v1", "apis/coordination.k8s.io/v1", "apis/testing.shoal.dev/v1"], paths);

        foreach (var (key, entry) in root["paths"]!.AsObject())
        {
            var (status, document, _) = await api.GetAsync((string)entry!["serverRelativeURL"]!);
            Assert.Equal(HttpStatusCode.OK, status);
            var patches = document["paths"]!.AsObject().Select(p => p.Value!["patch"]).OfType<JsonObject>().ToList();
            Assert.NotEmpty(patches);
            Assert.All(patches, patch =>
            {
                Assert.NotNull(patch["x-kubernetes-group-version-kind"]!["kind"]);
                Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query");
            });
        }

        var (_, gadgets, _) = await api.GetAsync("/openapi/v3/apis/testing.shoal.dev/v1");
        var schema = gadgets["components"]!["schemas"]!["dev.shoal.testing.v1.Gadget"]!;
        Assert.Equal("fast", (string?)schema["properties"]!["spec"]!["properties"]!["mode"]!["enum"]![0]);
    }

    [Fact]
    public async Task Requests_are_recorded_with_their_kubernetes_verbs()
    {
        await api.RegisterGadgetsAsync();
        server.ClearRequests();
        await api.CreateGadgetAsync("g1");
        await api.GetAsync($"{RawApi.Gadgets}/g1");
        await api.GetAsync(RawApi.Gadgets);
        await api.PatchAsync($"{RawApi.Gadgets}/g1/status", """{"status":{}}""");
        await api.DeleteAsync($"{RawApi.Gadgets}/g1");
        await api.GetAsync("/version");

        Assert.Equal(
        [
            ("create", "gadgets", null, null, 201),
            ("get", "gadgets", null, "g1", 200),
            ("list", "gadgets", null, null, 200),
            ("patch", "gadgets", "status", "g1", 200),
            ("delete", "gadgets", null, "g1", 200),
            ("get", null, null, null, 200),
        ], server.Requests.Select(r => (r.Verb, r.Resource, r.Subresource, r.Name, r.StatusCode)));
        Assert.All(server.Requests.Take(5), r => Assert.Equal(("testing.shoal.dev", "default"), (r.Group, r.Namespace)));
    }

    [Fact]
    public async Task Injected_failures_hit_only_the_next_matching_requests()
    {
        await api.RegisterGadgetsAsync();
        await api.CreateGadgetAsync("g1");
        server.InjectFailure("patch", "gadgets", 409, times: 2, subresource: "status");

        var (first, conflict, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1/status", """{"status":{}}""");
        var (main, _, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"spec":{"size":2}}""");
        var (second, _, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1/status", """{"status":{}}""");
        var (third, _, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1/status", """{"status":{}}""");

        Assert.Equal((HttpStatusCode.Conflict, "Conflict", 409), (first, (string?)conflict["reason"], (int)conflict["code"]!));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.OK), (main, second, third));

        server.InjectFailure("get", "namespaces", 500);
        using var client = Clients.For(server);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespaceAsync("default"));
        Assert.Equal(HttpStatusCode.InternalServerError, error.Response.StatusCode);
        Assert.Equal("default", (await client.CoreV1.ReadNamespaceAsync("default")).Metadata.Name);
    }

    [Fact]
    public async Task The_standalone_program_serves_kubectl_and_stops_on_sigterm()
    {
        using var directory = new TempDirectory();
        var kubeconfig = Path.Combine(directory.Path, "config");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Shoal.KubeApi.dll"), "--port", "0", "--kubeconfig", kubeconfig })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Matches(@"^Shoal\.KubeApi ready at http://127\.0\.0\.1:\d+/ \(kubeconfig: .+\)$", ready);

            using var kubectl = Process.Start(new ProcessStartInfo("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(directory.Path, "cache"), "get", "namespace", "default", "-o", "name"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var result = await Kubectl.WaitAsync(kubectl);
            Assert.Equal((0, "namespace/default\n"), (result.ExitCode, result.Stdout));

            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
