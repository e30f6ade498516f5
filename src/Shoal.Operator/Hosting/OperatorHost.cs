using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using Shoal.Operator.Observability;

namespace Shoal.Operator.Hosting;

/// <summary>
/// Builds and runs the operator process: options (validated before anything starts), the Kubernetes
/// client (kubeconfig or in-cluster, checked by asking the API server for its version), the AWS
/// credential chain and AWS_ENDPOINT_URL (read by Shoal.Aws), and /metrics, /healthz, /readyz.
/// </summary>
internal static class OperatorHost
{
    // Short, kubectl-like switches for the settings people pass on the command line or in the chart.
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--kubeconfig"] = "Shoal:Kubeconfig",
        ["--namespace"] = "Shoal:Namespace",
        ["--leader-elect"] = "Shoal:LeaderElect",
        ["--lease-namespace"] = "Shoal:LeaseNamespace",
        ["--lease-name"] = "Shoal:LeaseName",
        ["--identity"] = "Shoal:Identity",
        ["--owner-id"] = "Shoal:OwnerId",
        ["--workers"] = "Shoal:WorkersPerController",
        ["--status-interval"] = "Shoal:StatusIntervalSeconds",
        ["--scale-interval"] = "Shoal:ScaleIntervalSeconds",
        ["--gc-interval"] = "Shoal:GarbageCollectionIntervalSeconds",
        ["--gc-grace"] = "Shoal:GarbageCollectionGraceSeconds",
        ["--metrics-address"] = "Urls",
        ["--log-level"] = "Logging:LogLevel:Default",
        ["--log-format"] = "Shoal:LogFormat",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args, Switches);
        builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? "http://0.0.0.0:8080");
        ConfigureLogging(builder);

        var options = builder.Configuration.GetSection(OperatorOptions.Section).Get<OperatorOptions>() ?? new OperatorOptions();
        var problems = OperatorOptionsCheck.Problems(options, Environment.GetEnvironmentVariable);
        if (problems.Count > 0)
        {
            throw new StartupException(string.Join(Environment.NewLine, problems.Select(p => $"  - {p}")).Insert(0, $"cannot start:{Environment.NewLine}"));
        }

        var kube = await ConnectAsync(options);
        var registry = Metrics.NewCustomRegistry();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(kube);
        builder.Services.AddSingleton(new OperatorMetrics(registry));
        builder.Services.AddSingleton<OperatorHealth>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<OperatorService>();

        var app = builder.Build();
        var health = app.Services.GetRequiredService<OperatorHealth>();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => health.Ready ? Results.Text("ok") : Results.Text("caches not synced yet", statusCode: 503));
        app.MapMetrics("/metrics", registry);
        await app.RunAsync();
        return 0;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        if (builder.Configuration["Shoal:LogFormat"] is "json")
        {
            builder.Logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.UseUtcTimestamp = true;
            });
        }
    }

    private static async Task<Kubernetes> ConnectAsync(OperatorOptions options)
    {
        KubernetesClientConfiguration config;
        try
        {
            // Without --kubeconfig: $KUBECONFIG, else ~/.kube/config, else the pod's ServiceAccount.
            config = options.Kubeconfig is { Length: > 0 } path
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
                : KubernetesClientConfiguration.BuildDefaultConfig();
        }
        catch (Exception e)
        {
            throw new StartupException($"cannot load the Kubernetes configuration ({e.Message}): pass --kubeconfig PATH, set KUBECONFIG, or run in a pod with the chart's ServiceAccount", e);
        }

        var kube = new Kubernetes(config);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await kube.Version.GetCodeAsync(timeout.Token);
        }
        catch (Exception e)
        {
            kube.Dispose();
            throw new StartupException($"cannot reach the Kubernetes API at {config.Host} ({e.Message}): check the kubeconfig's server and credentials, and that the cluster is up", e);
        }

        return kube;
    }
}
