using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Shoal.KubeApi.Resources;
using Shoal.KubeApi.Selectors;
using Shoal.KubeApi.Storage;
using Shoal.KubeApi.Tables;

namespace Shoal.KubeApi.Http;

/// <summary>
/// Serves ?watch=true: newline-delimited {"type","object"} events over a chunked response, flushed one by
/// one. Replays history after resourceVersion, or starts with the current state when there is none; a
/// resourceVersion older than the history gets an ERROR event carrying a 410 Status, as the real watch
/// cache answers. Bookmarks and timeoutSeconds run on the injected TimeProvider.
/// </summary>
internal sealed class WatchStreamer(ObjectStore store, KubeApiServerOptions options)
{
    public sealed record Request(ResourceType Type, string? Namespace, LabelSelector Labels, FieldSelector Fields, string? ResourceVersion,
        bool Bookmarks, bool SendInitialEvents, int? TimeoutSeconds, bool Table, string IncludeObject, bool InjectGone);

    public async Task StreamAsync(HttpContext context, Request request, Action<int> started)
    {
        long? from = null;
        if (!string.IsNullOrEmpty(request.ResourceVersion) && request.ResourceVersion != "0" && !request.SendInitialEvents)
        {
            if (!long.TryParse(request.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rv))
            {
                throw ApiException.BadRequest($"invalid resourceVersion \"{request.ResourceVersion}\": use a resourceVersion returned by the server");
            }

            from = rv;
        }

        bool Matches(JsonObject obj) => request.Labels.Matches(Json.Labels(obj)) && request.Fields.Matches(obj);
        var subscription = request.InjectGone ? null : store.Subscribe(request.Type.StorageKey, request.Namespace, Matches, from);
        // Timers exist before the stream is reported as started, so a test that sees the watch in the request
        // log and then advances a fake clock cannot miss the first bookmark or the timeout.
        using var timeout = request.TimeoutSeconds is > 0
            ? new CancellationTokenSource(TimeSpan.FromSeconds(request.TimeoutSeconds.Value), options.TimeProvider)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted);
        using var bookmarks = request.Bookmarks && subscription is not null
            ? options.TimeProvider.CreateTimer(_ => SendBookmark(subscription, request.Type), null, options.BookmarkInterval, options.BookmarkInterval)
            : null;
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache, private";
        await response.StartAsync(context.RequestAborted);
        started(200);

        if (subscription is null)
        {
            var gone = ApiException.Expired(request.InjectGone
                ? "too old resource version: injected by the test (KubeApiServer.InjectFailure)"
                : $"too old resource version: {request.ResourceVersion} ({store.Revision})");
            await WriteLineAsync(response, new JsonObject { ["type"] = "ERROR", ["object"] = gone.ToStatus() }, context.RequestAborted);
            return;
        }

        if (request.SendInitialEvents)
        {
            lock (store.Gate)
            {
                var end = BookmarkObject(request.Type, store.Revision);
                ((JsonObject)end["metadata"]!)["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
                subscription.Write("BOOKMARK", end);
            }
        }

        var first = true;
        try
        {
            await foreach (var item in subscription.Reader.ReadAllAsync(linked.Token))
            {
                var payload = item.Object;
                if (request.Table && item.Type != "BOOKMARK")
                {
                    // Like the real server, column definitions come with the first event only.
                    payload = TableRenderer.Render(request.Type, [item.Object], options.TimeProvider.GetUtcNow(), request.IncludeObject,
                        new JsonObject { ["resourceVersion"] = Json.Str(item.Object, "metadata", "resourceVersion") }, withColumns: first);
                    first = false;
                }
                else if (!request.Table)
                {
                    payload["apiVersion"] = request.Type.ApiVersion;
                }

                await WriteLineAsync(response, new JsonObject { ["type"] = item.Type, ["object"] = payload }, linked.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // timeoutSeconds elapsed or the client went away: the stream just ends.
        }
        catch (IOException)
        {
            // The client closed the connection mid-write.
        }
        finally
        {
            store.Unsubscribe(subscription);
        }
    }

    private void SendBookmark(WatchSubscription subscription, ResourceType type)
    {
        lock (store.Gate)
        {
            subscription.Write("BOOKMARK", BookmarkObject(type, store.Revision));
        }
    }

    private static JsonObject BookmarkObject(ResourceType type, long revision) => new()
    {
        ["kind"] = type.Kind,
        ["apiVersion"] = type.ApiVersion,
        ["metadata"] = new JsonObject
        {
            ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture),
            ["creationTimestamp"] = null,
        },
    };

    private static async Task WriteLineAsync(HttpResponse response, JsonObject line, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(line, Json.Compact);
        await response.Body.WriteAsync(bytes, cancellationToken);
        await response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
