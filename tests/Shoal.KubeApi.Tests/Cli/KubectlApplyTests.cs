using System.Net;
using Shoal.KubeApi.Tests.Support;

namespace Shoal.KubeApi.Tests.Cli;

/// <summary>`kubectl apply`, client-side and server-side, with the real kubectl against the emulator.</summary>
public sealed class KubectlApplyTests : IAsyncLifetime
{
    private const string Gadget = """
        apiVersion: testing.shoal.dev/v1
        kind: Gadget
        metadata:
          name: g1
          labels:
            team: a
        spec:
          size: SIZE
          mode: fast
        """;

    private KubeApiServer server = null!;
    private Kubectl kubectl = null!;
    private RawApi api = null!;

    public async Task InitializeAsync()
    {
        server = await KubeApiServer.StartAsync();
        kubectl = new Kubectl(server);
        api = new RawApi(server);
    }

    public async Task DisposeAsync()
    {
        api.Dispose();
        kubectl.Dispose();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Apply_reports_created_then_unchanged_then_configured()
    {
        var crd = Kubectl.Fixture("gadgets-crd.yaml");
        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/gadgets.testing.shoal.dev created\n", (await kubectl.RunAsync("apply", "-f", crd)).EnsureSuccess().Stdout);
        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/gadgets.testing.shoal.dev unchanged\n", (await kubectl.RunAsync("apply", "-f", crd)).EnsureSuccess().Stdout);

        var manifest = kubectl.File("g1.yaml", Gadget.Replace("SIZE", "3", StringComparison.Ordinal));
        Assert.Equal("gadget.testing.shoal.dev/g1 created\n", (await kubectl.RunAsync("apply", "-f", manifest)).EnsureSuccess().Stdout);
        Assert.Equal("gadget.testing.shoal.dev/g1 unchanged\n", (await kubectl.RunAsync("apply", "-f", manifest)).EnsureSuccess().Stdout);

        kubectl.File("g1.yaml", Gadget.Replace("SIZE", "7", StringComparison.Ordinal));
        Assert.Equal("gadget.testing.shoal.dev/g1 configured\n", (await kubectl.RunAsync("apply", "-f", manifest)).EnsureSuccess().Stdout);

        var (_, stored, _) = await api.GetAsync($"{RawApi.Gadgets}/g1");
        Assert.Equal(7, (int)stored["spec"]!["size"]!);
        Assert.Equal(2, (int)stored["metadata"]!["generation"]!);
        Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", stored["metadata"]!["annotations"]!.AsObject().Select(p => p.Key));

        // Client-side apply: GET, 404, POST with strict validation; then a JSON merge patch for the change.
        var gadgetWrites = server.Requests.Where(r => r.Resource == "gadgets" && r.Verb is "create" or "patch").ToList();
        Assert.Collection(gadgetWrites,
            create => Assert.Equal(("create", 201, "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict"), (create.Verb, create.StatusCode, create.Query)),
            patch => Assert.Equal(("patch", 200, "application/merge-patch+json"), (patch.Verb, patch.StatusCode, patch.ContentType)));
    }

    [Fact]
    public async Task Server_side_apply_creates_then_updates()
    {
        (await kubectl.RunAsync("apply", "-f", Kubectl.Fixture("gadgets-crd.yaml"))).EnsureSuccess();
        var manifest = kubectl.File("g1.yaml", Gadget.Replace("SIZE", "3", StringComparison.Ordinal));

        Assert.Equal("gadget.testing.shoal.dev/g1 serverside-applied\n", (await kubectl.RunAsync("apply", "--server-side", "-f", manifest)).EnsureSuccess().Stdout);
        kubectl.File("g1.yaml", Gadget.Replace("SIZE", "4", StringComparison.Ordinal));
        Assert.Equal("gadget.testing.shoal.dev/g1 serverside-applied\n", (await kubectl.RunAsync("apply", "--server-side", "-f", manifest)).EnsureSuccess().Stdout);

        var applies = server.Requests.Where(r => r.Resource == "gadgets" && r.Verb == "patch").ToList();
        Assert.Equal([201, 200], applies.Select(r => r.StatusCode));
        Assert.All(applies, r => Assert.Equal("application/apply-patch+yaml", r.ContentType));
        Assert.All(applies, r => Assert.Contains("fieldManager=kubectl", r.Query, StringComparison.Ordinal));
        var (_, stored, _) = await api.GetAsync($"{RawApi.Gadgets}/g1");
        Assert.Equal(4, (int)stored["spec"]!["size"]!);
        Assert.Equal(3, (int)stored["spec"]!["retries"]!);
    }

    [Fact]
    public async Task An_invalid_object_is_refused_with_the_servers_422_message()
    {
        (await kubectl.RunAsync("apply", "-f", Kubectl.Fixture("gadgets-crd.yaml"))).EnsureSuccess();
        var manifest = kubectl.File("bad.yaml", """
            apiVersion: testing.shoal.dev/v1
            kind: Gadget
            metadata:
              name: bad
            spec:
              size: -1
              mode: turbo
            """);

        var result = await kubectl.RunAsync("apply", "-f", manifest);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("The Gadget \"bad\" is invalid:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.size: Invalid value: -1: spec.size in body should be greater than or equal to 0", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.mode: Unsupported value: \"turbo\": supported values: \"fast\", \"slow\"", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"{RawApi.Gadgets}/bad")).Status);
    }

    [Fact]
    public async Task An_unknown_field_is_a_strict_decoding_error_unless_validation_is_off()
    {
        (await kubectl.RunAsync("apply", "-f", Kubectl.Fixture("gadgets-crd.yaml"))).EnsureSuccess();
        var manifest = kubectl.File("unknown.yaml", """
            apiVersion: testing.shoal.dev/v1
            kind: Gadget
            metadata:
              name: colourful
            spec:
              size: 1
              mode: slow
              colour: blue
            """);

        var strict = await kubectl.RunAsync("apply", "-f", manifest);
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains(
            "Error from server (BadRequest): error when creating \"" + manifest + "\": Gadget in version \"v1\" cannot be handled as a Gadget: strict decoding error: unknown field \"spec.colour\"",
            strict.Stderr, StringComparison.Ordinal);

        var serverSide = await kubectl.RunAsync("apply", "--server-side", "-f", manifest);
        Assert.NotEqual(0, serverSide.ExitCode);
        Assert.Contains("failed to create typed patch object (testing.shoal.dev/v1, Kind=Gadget): .spec.colour: field not declared in schema",
            serverSide.Stderr, StringComparison.Ordinal);

        // --validate=false sends fieldValidation=Ignore: the field is pruned silently, as a real server does.
        (await kubectl.RunAsync("apply", "--validate=false", "-f", manifest)).EnsureSuccess();
        var (_, stored, _) = await api.GetAsync($"{RawApi.Gadgets}/colourful");
        Assert.False(stored["spec"]!.AsObject().ContainsKey("colour"));
    }

    [Fact]
    public async Task Built_in_kinds_reapply_through_a_strategic_merge_patch()
    {
        var manifest = kubectl.File("ns.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: team-a
              labels:
                owner: alice
            """);
        Assert.Equal("namespace/team-a created\n", (await kubectl.RunAsync("apply", "-f", manifest)).EnsureSuccess().Stdout);

        kubectl.File("ns.yaml", File.ReadAllText(manifest).Replace("alice", "bob", StringComparison.Ordinal));
        Assert.Equal("namespace/team-a configured\n", (await kubectl.RunAsync("apply", "-f", manifest)).EnsureSuccess().Stdout);

        var patch = Assert.Single(server.Requests, r => r is { Verb: "patch", Resource: "namespaces" });
        Assert.Equal("application/strategic-merge-patch+json", patch.ContentType);
        var (_, stored, _) = await api.GetAsync("/api/v1/namespaces/team-a");
        Assert.Equal(("bob", "Active"), ((string?)stored["metadata"]!["labels"]!["owner"], (string?)stored["status"]!["phase"]));
    }
}
