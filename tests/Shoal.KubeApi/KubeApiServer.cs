using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shoal.KubeApi.Http;
using Shoal.KubeApi.Resources;
using Shoal.KubeApi.Storage;

namespace Shoal.KubeApi;

/// <summary>
/// A Kubernetes API server emulator on http://127.0.0.1:PORT for tests: the real kubectl and KubernetesClient
/// talk to it. Scope and known differences from a real server: tests/Shoal.KubeApi/README.md.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ObjectStore store;
    private readonly RequestLog log;
    private readonly FailureInjector failures;

    private KubeApiServer(WebApplication app, ObjectStore store, RequestLog log, FailureInjector failures, Uri baseAddress)
    {
        this.app = app;
        this.store = store;
        this.log = log;
        this.failures = failures;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Every request answered so far, oldest first (a watch is recorded when its stream starts).</summary>
    public IReadOnlyList<KubeApiRequest> Requests => log.Snapshot();

    public static async Task<KubeApiServer> StartAsync(KubeApiServerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new KubeApiServerOptions();
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be between 0 (any free port) and 65535.");
        }

        var store = new ObjectStore(options.WatchHistoryLimit);
        var registry = new ResourceRegistry();
        var log = new RequestLog(options.RequestLog);
        var failures = new FailureInjector();
        var operations = new ResourceOperations(store, options.TimeProvider);
        var handler = new ApiHandler(store, registry, operations, new WatchStreamer(store, options), failures, log, options);
        registry.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!.Hooks = new CrdHooks(registry, store, options.TimeProvider);
        var namespaces = registry.Find("", "v1", "namespaces")!;
        namespaces.Hooks = new NamespaceHooks(store);
        foreach (var ns in options.Namespaces)
        {
            try
            {
                operations.Create(namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, new WriteOptions());
            }
            catch (ApiException e)
            {
                throw new ArgumentException($"KubeApiServerOptions.Namespaces: cannot create namespace \"{ns}\": {e.Message}", nameof(options), e);
            }
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(KubeApiServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.Run(handler.HandleAsync);
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started without an address.");
        var port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        return new KubeApiServer(app, store, log, failures, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
    }

    /// <summary>
    /// Writes a kubeconfig for this server: plain-http server URL, a token user (any token is accepted) and
    /// its context selected, with the given default namespace.
    /// </summary>
    public void WriteKubeconfig(string path, string @namespace = "default")
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Kubeconfig(BaseAddress, @namespace));
    }

    internal static string Kubeconfig(Uri server, string @namespace) => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: shoal-kubeapi
          cluster:
            server: {{server.ToString().TrimEnd('/')}}
        users:
        - name: shoal-kubeapi
          user:
            token: shoal-kubeapi-token
        contexts:
        - name: shoal-kubeapi
          context:
            cluster: shoal-kubeapi
            user: shoal-kubeapi
            namespace: {{@namespace}}
        current-context: shoal-kubeapi
        preferences: {}

        """;

    public void ClearRequests() => log.Clear();

    /// <summary>
    /// Fails the next <paramref name="times"/> requests matching (verb, resource[, subresource]) with
    /// <paramref name="statusCode"/> and a Kubernetes Status body (409 Conflict, 500 InternalError, 429 ...).
    /// For "watch" with 410 the stream opens and carries one ERROR event with a 410 Status, as a real server
    /// reports an expired resourceVersion. Resource is the plural name ("workerpools", "leases").
    /// </summary>
    public void InjectFailure(string verb, string resource, int statusCode, int times = 1, string? subresource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(verb);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        if (statusCode is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "Inject an error status (400-599).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        failures.Add(verb, resource, subresource, statusCode, times);
    }

    /// <summary>Drops the watch history: the next watch from an older resourceVersion gets 410 Gone (an informer must relist).</summary>
    public void ExpireWatchHistory() => store.ExpireHistory();

    public async ValueTask DisposeAsync()
    {
        store.CompleteAll();
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}
