using System.Net;
using System.Text.Json;
using k8s;
using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Tests.Runtime;

public sealed class KubeEventRecorderTests : IDisposable
{
    private const string Events = "/api/v1/namespaces/team-a/events";
    private const string Created = """{"apiVersion":"v1","kind":"Event","metadata":{"name":"x","namespace":"team-a"}}""";
    private readonly StubHandler api = new();
    private readonly Kubernetes kube;
    private readonly TimerWatchingTimeProvider time = new();
    private readonly RecordingLogger logger = new();
    private readonly KubeEventRecorder recorder;
    private readonly Worker about = Workers.New("w1", "17");

    public KubeEventRecorderTests()
    {
        kube = new Kubernetes(new KubernetesClientConfiguration { Host = "http://kube.test:6443" }, api);
        recorder = new KubeEventRecorder(kube, time, logger, "operator-pod-0");
    }

    [Fact]
    public async Task The_first_event_is_created_about_the_object()
    {
        api.Answer(HttpStatusCode.Created, Created);

        await recorder.RecordAsync(about, EventTypes.Warning, "LaunchFailed", "InsufficientInstanceCapacity in us-east-1a", CancellationToken.None);

        var request = Assert.Single(api.Requests);
        Assert.Equal(("POST", Events), (request.Method, request.PathAndQuery));
        using var body = JsonDocument.Parse(request.Body!);
        var e = body.RootElement;
        var involved = e.GetProperty("involvedObject");
        Assert.Equal("shoal.dev/v1alpha1", involved.GetProperty("apiVersion").GetString());
        Assert.Equal("Worker", involved.GetProperty("kind").GetString());
        Assert.Equal("w1", involved.GetProperty("name").GetString());
        Assert.Equal("team-a", involved.GetProperty("namespace").GetString());
        Assert.Equal("uid-w1", involved.GetProperty("uid").GetString());
        Assert.Equal("Warning", e.GetProperty("type").GetString());
        Assert.Equal("LaunchFailed", e.GetProperty("reason").GetString());
        Assert.Equal("InsufficientInstanceCapacity in us-east-1a", e.GetProperty("message").GetString());
        Assert.Equal(1, e.GetProperty("count").GetInt32());
        Assert.Equal("shoal-operator", e.GetProperty("source").GetProperty("component").GetString());
        Assert.Equal("operator-pod-0", e.GetProperty("source").GetProperty("host").GetString());
        Assert.Equal("shoal-operator", e.GetProperty("reportingComponent").GetString());
        Assert.Equal("operator-pod-0", e.GetProperty("reportingInstance").GetString());
        Assert.Equal("team-a", e.GetProperty("metadata").GetProperty("namespace").GetString());
        Assert.StartsWith("w1.", e.GetProperty("metadata").GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_repeat_within_the_window_bumps_count_and_last_timestamp_of_the_same_event()
    {
        api.Answer(HttpStatusCode.Created, Created).Answer(HttpStatusCode.OK, Created).Answer(HttpStatusCode.OK, Created);

        await recorder.RecordAsync(about, EventTypes.Warning, "LaunchFailed", "no capacity", CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(3));
        await recorder.RecordAsync(about, EventTypes.Warning, "LaunchFailed", "no capacity", CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(9));
        await recorder.RecordAsync(about, EventTypes.Warning, "LaunchFailed", "no capacity", CancellationToken.None);

        var name = EventName(api.Requests[0]);
        Assert.Equal(("PATCH", $"{Events}/{name}", "application/merge-patch+json"), (api.Requests[1].Method, api.Requests[1].PathAndQuery, api.Requests[1].ContentType));
        Assert.Equal("""{"count":2,"lastTimestamp":"2025-06-01T08:03:00Z"}""", api.Requests[1].Body);

        // The window runs from the last repeat, not the first event.
        Assert.Equal(("PATCH", $"{Events}/{name}"), (api.Requests[2].Method, api.Requests[2].PathAndQuery));
        Assert.Equal("""{"count":3,"lastTimestamp":"2025-06-01T08:12:00Z"}""", api.Requests[2].Body);
    }

    [Fact]
    public async Task A_different_message_or_a_repeat_after_the_window_is_a_new_event()
    {
        api.Answer(HttpStatusCode.Created, Created).Answer(HttpStatusCode.Created, Created).Answer(HttpStatusCode.Created, Created);

        await recorder.RecordAsync(about, EventTypes.Normal, "Launched", "i-1", CancellationToken.None);
        await recorder.RecordAsync(about, EventTypes.Normal, "Launched", "i-2", CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(11));
        await recorder.RecordAsync(about, EventTypes.Normal, "Launched", "i-1", CancellationToken.None);

        Assert.All(api.Requests, r => Assert.Equal(("POST", Events), (r.Method, r.PathAndQuery)));
        Assert.Equal(3, api.Requests.Select(EventName).Distinct().Count());
    }

    [Fact]
    public async Task An_aggregated_event_the_server_already_expired_is_created_again()
    {
        api.Answer(HttpStatusCode.Created, Created)
           .Status(404, "NotFound", "events \\\"w1.x\\\" not found")
           .Answer(HttpStatusCode.Created, Created);

        await recorder.RecordAsync(about, EventTypes.Normal, "Idle", "no jobs", CancellationToken.None);
        await recorder.RecordAsync(about, EventTypes.Normal, "Idle", "no jobs", CancellationToken.None);

        Assert.Equal(["POST", "PATCH", "POST"], api.Requests.Select(r => r.Method));
        using var body = JsonDocument.Parse(api.Requests[2].Body!);
        Assert.Equal(1, body.RootElement.GetProperty("count").GetInt32());
        Assert.NotEqual(EventName(api.Requests[0]), EventName(api.Requests[2]));
    }

    [Fact]
    public async Task An_api_failure_is_logged_not_thrown_and_the_next_repeat_creates_the_event()
    {
        api.Status(403, "Forbidden", "cannot create events").Answer(HttpStatusCode.Created, Created);

        await recorder.RecordAsync(about, EventTypes.Warning, "Oops", "m", CancellationToken.None);
        await recorder.RecordAsync(about, EventTypes.Warning, "Oops", "m", CancellationToken.None);

        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("Oops", warning.Message, StringComparison.Ordinal);
        Assert.NotNull(warning.Exception);
        Assert.Equal(["POST", "POST"], api.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task Events_about_one_object_in_the_same_instant_get_distinct_names()
    {
        api.Answer(HttpStatusCode.Created, Created).Answer(HttpStatusCode.Created, Created);

        await recorder.RecordAsync(about, EventTypes.Normal, "A", "m", CancellationToken.None);
        await recorder.RecordAsync(about, EventTypes.Normal, "B", "m", CancellationToken.None);

        Assert.NotEqual(EventName(api.Requests[0]), EventName(api.Requests[1]));
    }

    [Fact]
    public async Task A_type_other_than_Normal_or_Warning_is_a_caller_bug()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => recorder.RecordAsync(about, "Error", "R", "m", CancellationToken.None));

        Assert.Contains("Normal or Warning", e.Message, StringComparison.Ordinal);
        Assert.Empty(api.Requests);
    }

    public void Dispose() => kube.Dispose();

    private static string EventName(RecordedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body!);
        return body.RootElement.GetProperty("metadata").GetProperty("name").GetString()!;
    }
}
