using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Runtime;

// IResourceClient over a KubernetesClient connection. Requests are raw HTTP through the client's own
// HttpClient, BaseUri and Credentials, so kubeconfig, in-cluster service account tokens and TLS all behave as
// KubernetesClient configured them; the bodies are our own System.Text.Json types, not the client's models.
public sealed class KubeResourceClient<T> : IResourceClient<T>
    where T : class, IResource
{
    private const string MergePatchJson = "application/merge-patch+json";
    private readonly k8s.Kubernetes kube;
    private readonly TimeProvider time;

    public KubeResourceClient(k8s.Kubernetes kube, ResourceKind kind, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(kube);
        ArgumentNullException.ThrowIfNull(kind);
        this.kube = kube;
        Kind = kind;
        this.time = time ?? TimeProvider.System;
    }

    public ResourceKind Kind { get; }

    // Asked of the server per watch; when it ends the informer re-watches from the last version it saw.
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    // For everything but watches: a hung API server must fail a reconcile, not park a worker forever.
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    // Lists are paged so that thousands of Workers never arrive as one huge response.
    public int PageSize { get; init; } = 500;

    public async Task<ResourceList<T>> ListAsync(string? @namespace, CancellationToken ct)
    {
        var path = CollectionPath(@namespace);
        var items = new List<T>();
        string? next = null;
        string resourceVersion;
        do
        {
            var query = $"?limit={PageSize}" + (next is null ? "" : $"&continue={Uri.EscapeDataString(next)}");
            var page = await SendAsync(HttpMethod.Get, path + query, null, "list", ct, async response =>
            {
                if (response.StatusCode == HttpStatusCode.Gone)
                {
                    throw new ResourceExpiredException($"list {Kind}: the continue token expired (410 Gone); list again from the start");
                }

                await EnsureSuccessAsync(response, "list", path, ct).ConfigureAwait(false);
                return await ReadAsync<KubeListEnvelope<T>>(response, "list", ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            items.AddRange(page.Items ?? []);
            resourceVersion = page.Metadata?.ResourceVersion ?? "";
            next = string.IsNullOrEmpty(page.Metadata?.Continue) ? null : page.Metadata.Continue;
        }
        while (next is not null);

        return new ResourceList<T>(items, resourceVersion);
    }

    public async IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resourceVersion);
        var path = CollectionPath(@namespace);
        var query = $"?watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}&timeoutSeconds={(int)WatchTimeout.TotalSeconds}";

        // The server closes the stream after timeoutSeconds; this cap ends a connection that went silent
        // without closing (a dead proxy), which would otherwise stall the informer forever.
        using var cap = new CancellationTokenSource(WatchTimeout + TimeSpan.FromSeconds(30), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cap.Token);
        using var request = await NewRequestAsync(HttpMethod.Get, path + query, null, ct).ConfigureAwait(false);
        using var response = await kube.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Gone)
        {
            var status = KubeStatus.Parse(410, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            throw new ResourceExpiredException($"watch {Kind} from resourceVersion {resourceVersion}: {status.Message} (410 Gone); list again");
        }

        await EnsureSuccessAsync(response, "watch", path, ct).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    line = null;
                }

                if (line is null)
                {
                    yield break;
                }

                if (!string.IsNullOrWhiteSpace(line))
                {
                    yield return ParseWatchLine(line, resourceVersion);
                }
            }
        }
    }

    public Task<T?> GetAsync(string @namespace, string name, CancellationToken ct)
    {
        var path = ItemPath(@namespace, name);
        return SendAsync(HttpMethod.Get, path, null, "get", ct, async response =>
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            await EnsureSuccessAsync(response, "get", path, ct).ConfigureAwait(false);
            return await ReadAsync<T>(response, "get", ct).ConfigureAwait(false);
        });
    }

    public Task<T> CreateAsync(T resource, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var ns = resource.Metadata.Namespace;
        if (string.IsNullOrEmpty(ns) || string.IsNullOrEmpty(resource.Metadata.Name))
        {
            throw new ArgumentException($"a new {Kind.Kind} needs metadata.namespace and metadata.name (got '{ns}/{resource.Metadata.Name}')", nameof(resource));
        }

        // The server needs apiVersion and kind in the body and refuses a mismatch with the URL.
        resource.ApiVersion = Kind.ApiVersion;
        resource.Kind = Kind.Kind;
        var path = CollectionPath(ns);
        var body = JsonContent(JsonSerializer.Serialize(resource, resource.GetType(), KubeJson.Options), "application/json");
        return SendAsync(HttpMethod.Post, path, body, "create", ct, async response =>
        {
            await EnsureSuccessAsync(response, "create", $"{path}/{resource.Metadata.Name}", ct).ConfigureAwait(false);
            return await ReadAsync<T>(response, "create", ct).ConfigureAwait(false);
        });
    }

    public Task<T?> PatchAsync(string @namespace, string name, object mergePatch, CancellationToken ct) =>
        PatchCoreAsync(ItemPath(@namespace, name), mergePatch, "patch", ct);

    public Task<T?> PatchStatusAsync(string @namespace, string name, object mergePatch, CancellationToken ct) =>
        PatchCoreAsync(ItemPath(@namespace, name) + "/status", mergePatch, "patch status of", ct);

    public Task DeleteAsync(string @namespace, string name, CancellationToken ct)
    {
        var path = ItemPath(@namespace, name);
        return SendAsync<object?>(HttpMethod.Delete, path, null, "delete", ct, async response =>
        {
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                await EnsureSuccessAsync(response, "delete", path, ct).ConfigureAwait(false);
            }

            return null;
        });
    }

    private Task<T?> PatchCoreAsync(string path, object mergePatch, string verb, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mergePatch);
        var body = JsonContent(JsonSerializer.Serialize(mergePatch, mergePatch.GetType(), KubeJson.Options), MergePatchJson);
        return SendAsync(HttpMethod.Patch, path, body, verb, ct, async response =>
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            await EnsureSuccessAsync(response, verb, path, ct).ConfigureAwait(false);
            return await ReadAsync<T>(response, verb, ct).ConfigureAwait(false);
        });
    }

    private ResourceEvent<T> ParseWatchLine(string line, string fromVersion)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (!root.TryGetProperty("object", out var obj))
        {
            throw new InvalidDataException($"watch {Kind}: an event without an object: {line}");
        }

        var eventType = type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => throw WatchError(KubeStatus.From(obj, 500), fromVersion),
            _ => throw new InvalidDataException($"watch {Kind}: unknown event type '{type}'"),
        };
        var resource = obj.Deserialize<T>(KubeJson.Options)
            ?? throw new InvalidDataException($"watch {Kind}: a {type} event with a null object");
        return new ResourceEvent<T>(eventType, resource);
    }

    private Exception WatchError(KubeStatus status, string fromVersion) => status.Code == 410
        ? new ResourceExpiredException($"watch {Kind} from resourceVersion {fromVersion}: {status.Message} (410 Gone); list again")
        : new KubeApiException(status.Code, status.Reason, $"watch {Kind}: the server ended the watch with {status.Code} {status.Reason}: {status.Message}");

    private async Task<TResult> SendAsync<TResult>(HttpMethod method, string pathAndQuery, HttpContent? content, string verb, CancellationToken ct, Func<HttpResponseMessage, Task<TResult>> read)
    {
        using var timeout = new CancellationTokenSource(RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var request = await NewRequestAsync(method, pathAndQuery, content, linked.Token).ConfigureAwait(false);
            using var response = await kube.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return await read(response).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"{verb} {Kind} ({pathAndQuery}): no answer from the Kubernetes API server at {kube.BaseUri} within {RequestTimeout.TotalSeconds:0.#} s", e);
        }
    }

    private async Task<HttpRequestMessage> NewRequestAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, new Uri(kube.BaseUri, pathAndQuery))
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (kube.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, ct).ConfigureAwait(false);
        }

        return request;
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string verb, string path, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var code = (int)response.StatusCode;
        var status = KubeStatus.Parse(code, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        var hint = code switch
        {
            401 => " The API server did not accept the operator's credentials: check the kubeconfig or the service account token.",
            403 => $" The operator's service account may not {verb} {Kind}: apply the RBAC rules in config/rbac (or the Helm chart's).",
            404 when verb is "list" or "watch" => $" Is the {Kind} CRD installed? kubectl apply -f config/crd/",
            _ => "",
        };
        throw new KubeApiException(code, status.Reason, $"{verb} {Kind} {path}: {code} {status.Reason ?? response.ReasonPhrase}: {status.Message}{hint}");
    }

    private static async Task<TBody> ReadAsync<TBody>(HttpResponseMessage response, string verb, CancellationToken ct)
    {
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync<TBody>(stream, KubeJson.Options, ct).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{verb}: the API server answered {(int)response.StatusCode} with an empty body");
        }
    }

    private static StringContent JsonContent(string json, string mediaType) => new(json, Encoding.UTF8, mediaType);

    private string CollectionPath(string? @namespace)
    {
        var root = Kind.Group.Length == 0 ? $"api/{Kind.Version}" : $"apis/{Kind.Group}/{Kind.Version}";
        if (@namespace is null)
        {
            return $"{root}/{Kind.Plural}";
        }

        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        return $"{root}/namespaces/{Uri.EscapeDataString(@namespace)}/{Kind.Plural}";
    }

    private string ItemPath(string @namespace, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return $"{CollectionPath(@namespace)}/{Uri.EscapeDataString(name)}";
    }
}
