using System.Net;
using System.Text.Json;
using k8s;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Runtime;
using WatchEventType = Shoal.Operator.Runtime.WatchEventType;

namespace Shoal.Operator.Tests.Runtime;

public sealed class KubeResourceClientTests : IDisposable
{
    private const string Collection = "/apis/shoal.dev/v1alpha1/namespaces/team-a/workers";
    private readonly StubHandler api = new();
    private readonly Kubernetes kube;
    private readonly KubeResourceClient<Worker> client;

    public KubeResourceClientTests()
    {
        kube = new Kubernetes(new KubernetesClientConfiguration { Host = "http://kube.test:6443", AccessToken = "token-1" }, api);
        client = new KubeResourceClient<Worker>(kube, ResourceKind.Worker);
    }

    [Fact]
    public async Task Get_reads_the_object_with_the_clients_credentials()
    {
        api.Answer(HttpStatusCode.OK, WorkerJson("w1", "17", "Running"));

        var w = await client.GetAsync("team-a", "w1", CancellationToken.None);

        var request = Assert.Single(api.Requests);
        Assert.Equal(("GET", Collection + "/w1"), (request.Method, request.PathAndQuery));
        Assert.Equal("Bearer token-1", request.Authorization);
        Assert.Equal("application/json", request.Accept);
        Assert.Equal("17", w?.Metadata.ResourceVersion);
        Assert.Equal(WorkerPhases.Running, w?.Status?.Phase);
    }

    [Fact]
    public async Task Get_of_a_missing_object_is_null()
    {
        api.Status(404, "NotFound", "workers.shoal.dev \\\"w9\\\" not found");

        Assert.Null(await client.GetAsync("team-a", "w9", CancellationToken.None));
    }

    [Fact]
    public async Task List_pages_through_continue_tokens_and_returns_the_lists_resource_version()
    {
        api.Answer(HttpStatusCode.OK, ListJson("40", "page-2", WorkerJson("w1", "30"), WorkerJson("w2", "31")))
           .Answer(HttpStatusCode.OK, ListJson("40", null, WorkerJson("w3", "39")));

        var list = await client.ListAsync("team-a", CancellationToken.None);

        Assert.Equal(["w1", "w2", "w3"], list.Items.Select(w => w.Metadata.Name));
        Assert.Equal("40", list.ResourceVersion);
        Assert.Equal(
            [Collection + "?limit=500", Collection + "?limit=500&continue=page-2"],
            api.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task List_of_all_namespaces_uses_the_cluster_wide_path()
    {
        api.Answer(HttpStatusCode.OK, ListJson("5", null));

        var list = await client.ListAsync(null, CancellationToken.None);

        Assert.Empty(list.Items);
        Assert.Equal("/apis/shoal.dev/v1alpha1/workers?limit=500", Assert.Single(api.Requests).PathAndQuery);
    }

    [Fact]
    public async Task List_of_a_kind_the_server_does_not_serve_says_to_install_the_crds()
    {
        api.Answer(HttpStatusCode.NotFound, "404 page not found", "text/plain");

        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.ListAsync("team-a", CancellationToken.None));

        Assert.Equal(404, e.StatusCode);
        Assert.Contains("404 page not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("kubectl apply -f config/crd/", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forbidden_points_at_the_rbac_rules()
    {
        api.Status(403, "Forbidden", "workers.shoal.dev is forbidden: User \\\"system:serviceaccount:shoal:op\\\" cannot list resource");

        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.ListAsync("team-a", CancellationToken.None));

        Assert.Equal((403, "Forbidden"), (e.StatusCode, e.Reason));
        Assert.Contains("cannot list resource", e.Message, StringComparison.Ordinal);
        Assert.Contains("config/rbac", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_posts_the_object_with_its_api_version_and_kind()
    {
        api.Answer(HttpStatusCode.Created, WorkerJson("w1", "50"));
        var w = new Worker { ApiVersion = "", Kind = "", Metadata = new ObjectMeta { Name = "w1", Namespace = "team-a" } };

        var created = await client.CreateAsync(w, CancellationToken.None);

        var request = Assert.Single(api.Requests);
        Assert.Equal(("POST", Collection, "application/json"), (request.Method, request.PathAndQuery, request.ContentType));
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("shoal.dev/v1alpha1", body.RootElement.GetProperty("apiVersion").GetString());
        Assert.Equal("Worker", body.RootElement.GetProperty("kind").GetString());
        Assert.Equal("w1", body.RootElement.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal("50", created.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Create_of_a_taken_name_throws_with_the_servers_reason()
    {
        api.Status(409, "AlreadyExists", "workers.shoal.dev \\\"w1\\\" already exists");

        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.CreateAsync(Workers.New("w1", ""), CancellationToken.None));

        Assert.Equal((409, "AlreadyExists"), (e.StatusCode, e.Reason));
        Assert.True(e.IsConflict);
        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_without_a_namespace_is_refused_before_any_request()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => client.CreateAsync(new Worker { Metadata = new ObjectMeta { Name = "w1" } }, CancellationToken.None));

        Assert.Contains("metadata.namespace", e.Message, StringComparison.Ordinal);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task Patch_sends_a_json_merge_patch_and_returns_the_result()
    {
        api.Answer(HttpStatusCode.OK, WorkerJson("w1", "61"));

        var patched = await client.PatchAsync("team-a", "w1", new { metadata = new { labels = new Dictionary<string, string?> { ["shoal.dev/pool"] = "p1", ["old"] = null } } }, CancellationToken.None);

        var request = Assert.Single(api.Requests);
        Assert.Equal(("PATCH", Collection + "/w1", "application/merge-patch+json"), (request.Method, request.PathAndQuery, request.ContentType));
        Assert.Equal("""{"metadata":{"labels":{"shoal.dev/pool":"p1","old":null}}}""", request.Body);
        Assert.Equal("61", patched?.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Patch_of_a_missing_object_is_null()
    {
        api.Status(404, "NotFound", "not found");

        Assert.Null(await client.PatchAsync("team-a", "w1", new { spec = new { } }, CancellationToken.None));
    }

    [Fact]
    public async Task PatchStatus_goes_to_the_status_subresource_and_a_conflict_throws_409()
    {
        api.Answer(HttpStatusCode.OK, WorkerJson("w1", "62", "Idle"))
           .Status(409, "Conflict", "the object has been modified; please apply your changes to the latest version and try again");

        var patched = await client.PatchStatusAsync("team-a", "w1", new { status = new { phase = "Idle" } }, CancellationToken.None);
        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.PatchStatusAsync("team-a", "w1", new { metadata = new { resourceVersion = "1" } }, CancellationToken.None));

        Assert.Equal(WorkerPhases.Idle, patched?.Status?.Phase);
        Assert.All(api.Requests, r => Assert.Equal(("PATCH", Collection + "/w1/status", "application/merge-patch+json"), (r.Method, r.PathAndQuery, r.ContentType)));
        Assert.Equal("""{"status":{"phase":"Idle"}}""", api.Requests[0].Body);
        Assert.True(e.IsConflict);
        Assert.Equal("Conflict", e.Reason);
    }

    [Fact]
    public async Task PatchStatus_of_a_deleted_object_is_null()
    {
        api.Status(404, "NotFound", "not found");

        Assert.Null(await client.PatchStatusAsync("team-a", "w1", new { status = new { } }, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_of_a_missing_object_succeeds_and_other_failures_throw()
    {
        api.Status(404, "NotFound", "not found")
           .Answer(HttpStatusCode.OK, WorkerJson("w1", "70"))
           .Answer(HttpStatusCode.InternalServerError, "upstream connect error or disconnect/reset before headers", "text/plain");

        await client.DeleteAsync("team-a", "w1", CancellationToken.None);
        await client.DeleteAsync("team-a", "w1", CancellationToken.None);
        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.DeleteAsync("team-a", "w1", CancellationToken.None));

        Assert.All(api.Requests, r => Assert.Equal(("DELETE", Collection + "/w1"), (r.Method, r.PathAndQuery)));
        Assert.Equal(500, e.StatusCode);
        Assert.Contains("upstream connect error", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_asks_for_bookmarks_from_the_version_and_reads_each_event_line()
    {
        api.Answer(HttpStatusCode.OK, string.Join("\n",
            WatchLine("ADDED", WorkerJson("w1", "101")),
            WatchLine("MODIFIED", WorkerJson("w1", "102", "Running")),
            "",
            WatchLine("BOOKMARK", """{"apiVersion":"shoal.dev/v1alpha1","kind":"Worker","metadata":{"resourceVersion":"150"}}"""),
            WatchLine("DELETED", WorkerJson("w1", "160"))) + "\n");

        var events = await Collect(client.WatchAsync("team-a", "100", CancellationToken.None));

        Assert.Equal(Collection + "?watch=true&allowWatchBookmarks=true&resourceVersion=100&timeoutSeconds=300", Assert.Single(api.Requests).PathAndQuery);
        Assert.Equal(
            [(WatchEventType.Added, "101"), (WatchEventType.Modified, "102"), (WatchEventType.Bookmark, "150"), (WatchEventType.Deleted, "160")],
            events.Select(e => (e.Type, e.Resource.Metadata.ResourceVersion)));
        Assert.Equal(WorkerPhases.Running, events[1].Resource.Status?.Phase);
    }

    [Fact]
    public async Task Watch_turns_an_expired_error_event_into_ResourceExpiredException_after_the_earlier_events()
    {
        api.Answer(HttpStatusCode.OK, string.Join("\n",
            WatchLine("ADDED", WorkerJson("w1", "101")),
            WatchLine("ERROR", """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 100 (2000)","reason":"Expired","code":410}""")));
        var seen = new List<ResourceEvent<Worker>>();

        var e = await Assert.ThrowsAsync<ResourceExpiredException>(async () =>
        {
            await foreach (var ev in client.WatchAsync("team-a", "100", CancellationToken.None))
            {
                seen.Add(ev);
            }
        });

        Assert.Single(seen);
        Assert.Contains("too old resource version", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_answered_410_is_ResourceExpiredException()
    {
        api.Status(410, "Expired", "too old resource version: 1 (2000)");

        await Assert.ThrowsAsync<ResourceExpiredException>(() => Collect(client.WatchAsync("team-a", "1", CancellationToken.None)));
    }

    [Fact]
    public async Task Watch_error_events_other_than_410_are_api_errors()
    {
        api.Answer(HttpStatusCode.OK, WatchLine("ERROR", """{"kind":"Status","code":500,"reason":"InternalError","message":"etcd is unhappy"}"""));

        var e = await Assert.ThrowsAsync<KubeApiException>(() => Collect(client.WatchAsync("team-a", "1", CancellationToken.None)));

        Assert.Equal((500, "InternalError"), (e.StatusCode, e.Reason));
        Assert.Contains("etcd is unhappy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Core_group_kinds_use_the_legacy_api_path()
    {
        var pods = new KubeResourceClient<Worker>(kube, new ResourceKind("", "v1", "configmaps", "ConfigMap"));
        api.Status(404, "NotFound", "not found");

        await pods.GetAsync("team-a", "cm", CancellationToken.None);

        Assert.Equal("/api/v1/namespaces/team-a/configmaps/cm", Assert.Single(api.Requests).PathAndQuery);
    }

    public void Dispose() => kube.Dispose();

    private static async Task<List<ResourceEvent<Worker>>> Collect(IAsyncEnumerable<ResourceEvent<Worker>> events)
    {
        var list = new List<ResourceEvent<Worker>>();
        await foreach (var e in events)
        {
            list.Add(e);
        }

        return list;
    }

    private static string WorkerJson(string name, string resourceVersion, string? phase = null) =>
        $$"""{"apiVersion":"shoal.dev/v1alpha1","kind":"Worker","metadata":{"name":"{{name}}","namespace":"team-a","resourceVersion":"{{resourceVersion}}","uid":"u-{{name}}"},"spec":{}{{(phase is null ? "" : $$""","status":{"phase":"{{phase}}"}""")}}}""";

    private static string ListJson(string resourceVersion, string? next, params string[] items) =>
        $$"""{"apiVersion":"shoal.dev/v1alpha1","kind":"WorkerList","metadata":{"resourceVersion":"{{resourceVersion}}"{{(next is null ? "" : $$""","continue":"{{next}}" """)}}},"items":[{{string.Join(",", items)}}]}""";

    private static string WatchLine(string type, string obj) => $$"""{"type":"{{type}}","object":{{obj}}}""";
}
