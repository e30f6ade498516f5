using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Shoal.Aws.Tests.Moto;
using Shoal.Cli.Tests.EndToEnd;
using Shoal.IntegrationTests.Aws;
using Shoal.KubeApi;
using Shoal.SsmDouble;

namespace Shoal.IntegrationTests.Operator;

/// <summary>
/// One operator scenario's world: moto for EC2, SQS, DynamoDB and S3; the SSM double for Run Command (jobs
/// take real time and keep running while the operator is down); the API emulator with the real kubectl;
/// manifests copied from config/samples/aws with a short idle timeout; and the operator as its own process.
/// </summary>
internal sealed class OperatorRig : IAsyncDisposable
{
    private readonly List<OperatorProcess> operators = [];

    private OperatorRig(MotoServer moto, SsmDoubleServer ssm, KubeApiServer? api, TempDirectory temp, Action<string> writeKubeconfig)
    {
        Moto = moto;
        Ssm = ssm;
        Api = api;
        Temp = temp;
        Aws = new AwsCli(moto.Endpoint);
        Kubeconfig = Path.Combine(temp.Path, "kubeconfig");
        writeKubeconfig(Kubeconfig);
        Kubectl = new Kubectl(Kubeconfig, Path.Combine(temp.Path, "kube-cache"));
        Manifests = Directory.CreateDirectory(Path.Combine(temp.Path, "manifests")).FullName;
    }

    public MotoServer Moto { get; }

    public SsmDoubleServer Ssm { get; }

    /// <summary>The in-process emulator; null when the rig drives a real cluster through an external kubeconfig.</summary>
    public KubeApiServer? Api { get; }

    public TempDirectory Temp { get; }

    public AwsCli Aws { get; }

    public Kubectl Kubectl { get; }

    public string Kubeconfig { get; }

    public string Manifests { get; }

    public OperatorProcess? Current => operators.LastOrDefault();

    public IReadOnlyDictionary<string, string> AwsEnvironment => new Dictionary<string, string>(Aws.Environment)
    {
        ["AWS_ENDPOINT_URL_SSM"] = Ssm.BaseAddress.ToString().TrimEnd('/'),
    };

    public static async Task<OperatorRig> StartAsync(MotoServer moto)
    {
        await moto.ResetAsync();
        var ssm = await SsmDoubleServer.StartAsync(new SsmDoubleOptions { Upstream = moto.Endpoint, TerminatedInstanceTimeout = TimeSpan.FromSeconds(5) });
        var api = await KubeApiServer.StartAsync();
        return new OperatorRig(moto, ssm, api, new TempDirectory(), path => api.WriteKubeconfig(path));
    }

    /// <summary>
    /// The same world against a real cluster (k3s in tests/Shoal.E2ETests) instead of the emulator. The
    /// kubeconfig is copied into the rig's folder, so the caller may delete its own file at once.
    /// </summary>
    public static async Task<OperatorRig> StartAsync(MotoServer moto, string kubeconfig)
    {
        if (!File.Exists(kubeconfig))
        {
            throw new FileNotFoundException($"kubeconfig '{kubeconfig}' does not exist: pass the path of the cluster's kubeconfig file", kubeconfig);
        }

        await moto.ResetAsync();
        var ssm = await SsmDoubleServer.StartAsync(new SsmDoubleOptions { Upstream = moto.Endpoint, TerminatedInstanceTimeout = TimeSpan.FromSeconds(5) });
        return new OperatorRig(moto, ssm, null, new TempDirectory(), path => File.Copy(kubeconfig, path));
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Operator.sln not found above the test binaries");
    }

    /// <summary>The sample JobQueue and WorkerPool, with edits (e.g. a short idle timeout) applied as text.</summary>
    public void WriteManifests(params (string From, string To)[] edits)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot(), "config", "samples", "aws"), "*.yaml"))
        {
            var text = File.ReadAllText(file);
            foreach (var (from, to) in edits)
            {
                text = text.Replace(from, to, StringComparison.Ordinal);
            }

            File.WriteAllText(Path.Combine(Manifests, Path.GetFileName(file)), text);
        }
    }

    /// <summary>Where the current operator serves /metrics, /healthz and /readyz.</summary>
    public Uri? MetricsAddress { get; private set; }

    public OperatorProcess StartOperator(string identity)
    {
        var env = new Dictionary<string, string>(AwsEnvironment);
        MetricsAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var process = OperatorProcess.Start(
            env,
            "--kubeconfig", Kubeconfig,
            "--identity", identity,
            "--lease-namespace", "default",
            "--metrics-address", MetricsAddress.ToString().TrimEnd('/'),
            "--status-interval", "1",
            "--scale-interval", "1",
            "--gc-grace", "600",
            "--log-level", "Information");
        operators.Add(process);
        return process;
    }

    public async Task SubmitAsync(params string[] jobs)
    {
        var file = Temp.File($"jobs-{Guid.NewGuid():N}.jsonl", string.Join('\n', jobs));
        var (code, _, stderr) = await ShoalProcess.RunAsync(Temp.Path, Aws.Environment, "submit", "--provider", "aws", "--manifests", Manifests, file);
        Assert.True(code == 0, $"shoal submit exited {code}: {stderr}");
    }

    public async Task<JsonElement?> JobAsync(string jobId)
    {
        var result = await Aws.JsonAsync("dynamodb", "get-item", "--table-name", "demo-job-monitoring", "--key", JsonSerializer.Serialize(new { job_id = new { S = jobId } }));
        return result.TryGetProperty("Item", out var item) ? item : null;
    }

    public async Task<IReadOnlyList<JsonElement>> InstancesAsync() =>
        (await Aws.JsonAsync("ec2", "describe-instances", "--query", "Reservations[].Instances[]")).EnumerateArray().ToList();

    /// <summary>Polls until the condition holds; the failure names what was awaited and shows the operator's log.</summary>
    public async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(90);
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"timed out after {limit.TotalSeconds:0} s waiting for {what}. Operator log:\n{Tail(Current?.Log)}");
            }

            if (Current is { HasExited: true } op)
            {
                Assert.Fail($"the operator exited with {op.ExitCode} while waiting for {what}. Log:\n{Tail(op.Log)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var op in operators)
        {
            op.Dispose();
        }

        if (Api is not null)
        {
            await Api.DisposeAsync();
        }

        await Ssm.DisposeAsync();
        Temp.Dispose();
    }

    private static string Tail(string? log) => log is null ? "(none)" : string.Join('\n', log.Split('\n').TakeLast(60));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
