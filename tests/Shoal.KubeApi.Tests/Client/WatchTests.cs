using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Shoal.KubeApi.Tests.Support;
using Shoal.Aws.Tests.Support;

namespace Shoal.KubeApi.Tests.Client;

/// <summary>Watches through the real KubernetesClient: ...WithHttpMessagesAsync(watch: true) and Watch&lt;T, L&gt;().</summary>
public sealed class WatchTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private KubeApiServer server = null!;
    private Kubernetes client = null!;
    private RawApi api = null!;

    public async Task InitializeAsync()
    {
        server = await KubeApiServer.StartAsync(new KubeApiServerOptions { TimeProvider = clock, BookmarkInterval = TimeSpan.FromSeconds(30) });
        client = Clients.For(server);
        api = new RawApi(server);
        await api.RegisterGadgetsAsync();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        api.Dispose();
        await server.DisposeAsync();
    }

    private async Task<string> ListResourceVersionAsync()
    {
        var list = (JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(Clients.Group, Clients.Version, "default", Clients.Plural);
        return list.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
    }

    /// <summary>
    /// The way the operator watches: ...WithHttpMessagesAsync(watch: true).Watch&lt;T, L&gt;() on the task. Awaiting the
    /// response first would block until the first event, because the client reads the first line before it returns.
    /// </summary>
    private WatchRecorder<Gadget> Watch(string? resourceVersion, bool bookmarks = false, string? labelSelector = null, int? timeoutSeconds = null)
    {
        var recorder = new WatchRecorder<Gadget>();
        var response = client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(Clients.Group, Clients.Version, "default", Clients.Plural,
            allowWatchBookmarks: bookmarks, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: true);
#pragma warning disable CS0618 // Justification: KubernetesClient 21 marks WatcherExt obsolete, yet it is the only typed watch that takes a resourceVersion; the operator uses it, so it is proven here.
        recorder.Attach(response.Watch<Gadget, object>(recorder.OnEvent, recorder.OnError, recorder.OnClosed));
#pragma warning restore CS0618
        return recorder;
    }

    private Task WatchStartedAsync()
        => Eventually.TrueAsync(() => Task.FromResult(server.Requests.Any(r => r.Verb == "watch")), "the watch request to reach the server");

    [Fact]
    public async Task A_watch_from_a_list_resource_version_sees_added_modified_and_deleted()
    {
        await api.CreateGadgetAsync("before");
        var rv = await ListResourceVersionAsync();
        using var events = Watch(rv);

        await client.CustomObjects.CreateNamespacedCustomObjectAsync(Clients.NewGadget("g1", size: 1), Clients.Group, Clients.Version, "default", Clients.Plural);
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"size":2}}""", V1Patch.PatchType.MergePatch),
            Clients.Group, Clients.Version, "default", Clients.Plural, "g1");
        await client.CustomObjects.DeleteNamespacedCustomObjectAsync(Clients.Group, Clients.Version, "default", Clients.Plural, "g1");

        var added = await events.NextAsync();
        var modified = await events.NextAsync();
        var deleted = await events.NextAsync();
        Assert.Equal((WatchEventType.Added, "g1", 1), (added.Type, added.Object.Metadata.Name, added.Object.Spec!.Size));
        Assert.Equal((WatchEventType.Modified, "g1", 2), (modified.Type, modified.Object.Metadata.Name, modified.Object.Spec!.Size));
        Assert.Equal((WatchEventType.Deleted, "g1"), (deleted.Type, deleted.Object.Metadata.Name));
        Assert.True(long.Parse(deleted.Object.Metadata.ResourceVersion, CultureInfo.InvariantCulture)
            > long.Parse(modified.Object.Metadata.ResourceVersion, CultureInfo.InvariantCulture));
        Assert.Empty(events.Errors);
    }

    [Fact]
    public async Task A_watch_without_resource_version_starts_with_the_current_objects()
    {
        await api.CreateGadgetAsync("a");
        await api.CreateGadgetAsync("b");

        using var events = Watch(null);

        var first = await events.NextAsync();
        var second = await events.NextAsync();
        Assert.Equal([(WatchEventType.Added, "a"), (WatchEventType.Added, "b")],
            [(first.Type, first.Object.Metadata.Name), (second.Type, second.Object.Metadata.Name)]);
    }

    [Fact]
    public async Task The_clients_generated_watch_helper_resumes_from_a_resource_version_too()
    {
        await api.CreateGadgetAsync("a");
        var rv = await ListResourceVersionAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = client.CustomObjects.WatchListNamespacedCustomObjectAsync(Clients.Group, Clients.Version, "default", Clients.Plural,
            resourceVersion: rv, cancellationToken: cancel.Token).GetAsyncEnumerator(cancel.Token);
        await api.PatchAsync($"{RawApi.Gadgets}/a", """{"spec":{"size":8}}""");

        Assert.True(await events.MoveNextAsync());
        var (type, obj) = events.Current;
        Assert.Equal(WatchEventType.Modified, type);
        Assert.Equal(8, ((JsonElement)obj).GetProperty("spec").GetProperty("size").GetInt32());
        await cancel.CancelAsync();
        await events.DisposeAsync();
    }

    [Fact]
    public async Task After_the_history_expires_an_old_resource_version_gets_410_and_a_relist_recovers()
    {
        await api.CreateGadgetAsync("g1");
        var old = await ListResourceVersionAsync();
        await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"spec":{"size":5}}""");
        server.ExpireWatchHistory();

        using (var stale = Watch(old))
        {
            await stale.ClosedAsync();
            var gone = Assert.IsType<KubernetesException>(Assert.Single(stale.Errors));
            Assert.Equal((410, "Expired"), (gone.Status.Code, gone.Status.Reason));
            Assert.StartsWith("too old resource version: ", gone.Status.Message, StringComparison.Ordinal);
        }

        // An informer relists and watches from the new resourceVersion: that works.
        var fresh = await ListResourceVersionAsync();
        using var events = Watch(fresh);
        await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"spec":{"size":6}}""");
        var modified = await events.NextAsync();
        Assert.Equal((WatchEventType.Modified, 6), (modified.Type, modified.Object.Spec!.Size));
    }

    [Fact]
    public async Task Bookmarks_and_timeouts_follow_the_injected_clock()
    {
        await api.CreateGadgetAsync("g1");
        var rv = await ListResourceVersionAsync();
        using var events = Watch(rv, bookmarks: true, timeoutSeconds: 45);
        await WatchStartedAsync();

        clock.Advance(TimeSpan.FromSeconds(30));
        var bookmark = await events.NextAsync();
        Assert.Equal((WatchEventType.Bookmark, rv), (bookmark.Type, bookmark.Object.Metadata.ResourceVersion));

        clock.Advance(TimeSpan.FromSeconds(15));
        await events.ClosedAsync();
        Assert.Empty(events.Errors);
    }

    [Fact]
    public async Task A_label_selector_watch_turns_relabelling_into_added_and_deleted()
    {
        await api.CreateGadgetAsync("g1", extraMetadata: ""","labels":{"team":"a"}""");
        var rv = await ListResourceVersionAsync();
        using var events = Watch(rv, labelSelector: "team=b");

        await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"metadata":{"labels":{"team":"b"}}}""");
        await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"spec":{"size":3}}""");
        await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"metadata":{"labels":{"team":"c"}}}""");

        Assert.Equal(WatchEventType.Added, (await events.NextAsync()).Type);
        Assert.Equal(WatchEventType.Modified, (await events.NextAsync()).Type);
        Assert.Equal(WatchEventType.Deleted, (await events.NextAsync()).Type);
    }

    [Fact]
    public async Task An_injected_410_on_watch_arrives_as_an_error_event()
    {
        server.InjectFailure("watch", "gadgets", 410);

        using var events = Watch("1");

        await events.ClosedAsync();
        Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(events.Errors)).Status.Code);
    }

    [Fact]
    public async Task An_injected_500_on_watch_fails_the_request()
    {
        server.InjectFailure("watch", "gadgets", 500);

        using var events = Watch("1");

        await events.ClosedAsync();
        var error = Assert.IsType<HttpOperationException>(Assert.Single(events.Errors));
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, error.Response.StatusCode);
    }

    [Fact]
    public async Task Deleting_an_object_with_a_finalizer_is_a_modification_until_the_finalizer_goes()
    {
        await api.CreateGadgetAsync("held", extraMetadata: ""","finalizers":["testing.shoal.dev/hold"]""");
        var rv = await ListResourceVersionAsync();
        using var events = Watch(rv);

        await api.DeleteAsync($"{RawApi.Gadgets}/held");
        await api.PatchAsync($"{RawApi.Gadgets}/held", """{"metadata":{"finalizers":[]}}""");
        await api.CreateGadgetAsync("marker");

        var terminating = await events.NextAsync();
        Assert.Equal(WatchEventType.Modified, terminating.Type);
        Assert.NotNull(terminating.Object.Metadata.DeletionTimestamp);
        var deleted = await events.NextAsync();
        Assert.Equal((WatchEventType.Deleted, "held"), (deleted.Type, deleted.Object.Metadata.Name));
        Assert.Empty(deleted.Object.Metadata.Finalizers ?? []);
        var next = await events.NextAsync();
        Assert.Equal((WatchEventType.Added, "marker"), (next.Type, next.Object.Metadata.Name));
    }
}
