using Microsoft.Extensions.Time.Testing;
using Shoal.KubeApi.Tests.Support;
using Shoal.Aws.Tests.Support;

namespace Shoal.KubeApi.Tests.Cli;

/// <summary>`kubectl get`: server-side tables with printer columns and ages, short names, categories, labels, sorting.</summary>
public sealed class KubectlGetTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private KubeApiServer server = null!;
    private Kubectl kubectl = null!;
    private RawApi api = null!;

    public async Task InitializeAsync()
    {
        server = await KubeApiServer.StartAsync(new KubeApiServerOptions { TimeProvider = clock });
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

    private static List<string[]> Rows(string stdout)
        => [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    [Fact]
    public async Task Get_prints_the_printer_columns_with_ages_rendered_by_the_server()
    {
        await api.CreateGadgetAsync("older", size: 3, mode: "slow");
        await api.PatchAsync($"{RawApi.Gadgets}/older/status", """{"status":{"conditions":[{"type":"Ready","status":"True"}],"counts":{"queued":7}}}""");
        clock.Advance(TimeSpan.FromMinutes(5));
        await api.CreateGadgetAsync("newer", size: 5);
        clock.Advance(TimeSpan.FromSeconds(42));

        var rows = Rows((await kubectl.RunAsync("get", "gadgets")).EnsureSuccess().Stdout);
        Assert.Equal(["NAME", "SIZE", "MODE", "READY", "AGE"], rows[0]);
        Assert.Equal(["newer", "5", "fast", "42s"], rows[1]);
        Assert.Equal(["older", "3", "slow", "True", "5m42s"], rows[2]);

        // The priority-1 column only shows with -o wide.
        var wide = Rows((await kubectl.RunAsync("get", "gadgets", "-o", "wide")).EnsureSuccess().Stdout);
        Assert.Equal(["NAME", "SIZE", "MODE", "READY", "QUEUED", "AGE"], wide[0]);
        Assert.Equal(["older", "3", "slow", "True", "7", "5m42s"], wide[2]);
    }

    [Fact]
    public async Task Short_names_categories_and_single_objects_resolve()
    {
        await api.CreateGadgetAsync("g1");

        Assert.Equal("g1", Rows((await kubectl.RunAsync("get", "gd")).EnsureSuccess().Stdout)[1][0]);
        server.ClearRequests();
        Assert.Equal("g1", Rows((await kubectl.RunAsync("get", "shoal")).EnsureSuccess().Stdout)[1][0]);
        Assert.Contains(server.Requests, r => r is { Verb: "list", Resource: "gadgets" });
        Assert.Equal("g1", Rows((await kubectl.RunAsync("get", "gadget", "g1")).EnsureSuccess().Stdout)[1][0]);

        var missing = await kubectl.RunAsync("get", "gadget", "nope");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Equal("Error from server (NotFound): gadgets.testing.shoal.dev \"nope\" not found\n", missing.Stderr);
    }

    [Fact]
    public async Task Get_yaml_shows_the_stored_object_with_server_fields_and_defaults()
    {
        await api.CreateGadgetAsync("g1", size: 2);

        var yaml = (await kubectl.RunAsync("get", "gadget", "g1", "-o", "yaml")).EnsureSuccess().Stdout;

        Assert.Contains("creationTimestamp: \"2026-01-01T12:00:00Z\"", yaml, StringComparison.Ordinal);
        Assert.Contains("generation: 1", yaml, StringComparison.Ordinal);
        Assert.Matches("uid: [0-9a-f-]{36}", yaml);
        Assert.Matches("resourceVersion: \"[0-9]+\"", yaml);
        Assert.Contains("retries: 3", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Labels_sorting_and_namespaces_use_the_objects_embedded_in_rows()
    {
        await api.CreateGadgetAsync("big", size: 9, extraMetadata: ""","labels":{"team":"a"}""");
        await api.CreateGadgetAsync("small", size: 1, extraMetadata: ""","labels":{"team":"b"}""");

        var labelled = Rows((await kubectl.RunAsync("get", "gadgets", "-L", "team", "--sort-by=.spec.size")).EnsureSuccess().Stdout);
        Assert.Equal("TEAM", labelled[0][^1]);
        Assert.Equal(["small", "b"], [labelled[1][0], labelled[1][^1]]);
        Assert.Equal(["big", "a"], [labelled[2][0], labelled[2][^1]]);

        var selected = Rows((await kubectl.RunAsync("get", "gadgets", "-l", "team=a")).EnsureSuccess().Stdout);
        Assert.Equal(["big"], selected.Skip(1).Select(r => r[0]));

        var everywhere = Rows((await kubectl.RunAsync("get", "gadgets", "-A")).EnsureSuccess().Stdout);
        Assert.Equal(["default", "big"], everywhere[1][..2]);
    }

    [Fact]
    public async Task Events_and_namespaces_print_like_the_real_server()
    {
        await api.PostAsync("/api/v1/namespaces/default/events", """
            {"metadata":{"name":"g1.1"},"involvedObject":{"kind":"Gadget","name":"g1","namespace":"default"},
             "reason":"Launched","message":"launched 3 workers","type":"Normal","lastTimestamp":"2026-01-01T11:58:00Z",
             "source":{"component":"shoal-operator"}}
            """);

        var events = (await kubectl.RunAsync("get", "events")).EnsureSuccess().Stdout.Split('\n');
        Assert.Equal(["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], events[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["2m", "Normal", "Launched", "gadget/g1", "launched", "3", "workers"], events[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));

        // An event recorder bumps count and lastTimestamp with a strategic merge patch.
        var (patched, _, _) = await api.PatchAsync("/api/v1/namespaces/default/events/g1.1", """{"count":4,"lastTimestamp":"2026-01-01T11:59:30Z"}""",
            "application/strategic-merge-patch+json");
        Assert.Equal(System.Net.HttpStatusCode.OK, patched);
        var wide = Rows((await kubectl.RunAsync("get", "events", "-o", "wide")).EnsureSuccess().Stdout);
        Assert.Equal(["30s", "Normal", "Launched", "gadget/g1", "shoal-operator", "launched", "3", "workers", "<unknown>", "4", "g1.1"], wide[1]);

        var namespaces = Rows((await kubectl.RunAsync("get", "namespaces")).EnsureSuccess().Stdout);
        Assert.Contains(["default", "Active", "0s"], namespaces);
        Assert.Contains(["kube-system", "Active", "0s"], namespaces);
    }

    [Fact]
    public async Task Get_watch_streams_table_rows_with_one_header()
    {
        await api.CreateGadgetAsync("g1", size: 2);
        using var watch = kubectl.Start("get", "gadgets", "--watch", "-o", "wide");
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(server.Requests.Any(r => r is { Verb: "watch", Resource: "gadgets" })), "kubectl get --watch to watch");
            await api.PatchAsync($"{RawApi.Gadgets}/g1/status", """{"status":{"counts":{"queued":3}}}""");

            var lines = new List<string[]>();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (lines.Count < 3)
            {
                var line = await watch.StandardOutput.ReadLineAsync(deadline.Token) ?? throw new InvalidOperationException("kubectl stopped watching");
                lines.Add(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }

            Assert.Equal(["NAME", "SIZE", "MODE", "READY", "QUEUED", "AGE"], lines[0]);
            Assert.Equal(["g1", "2", "fast", "0s"], lines[1]);
            Assert.Equal(["g1", "2", "fast", "3", "0s"], lines[2]);
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
        }
    }
}
