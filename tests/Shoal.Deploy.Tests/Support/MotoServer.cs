using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Shoal.Deploy.Tests.Support;

// One moto_server per test class on 127.0.0.1 and a free port, for the tests that apply the EventBridge
// rules with the real AWS CLI. moto and the CLI come with the machine image (pyenv); .ci/run puts them on PATH.
public sealed class MotoServer : IAsyncLifetime
{
    public const string Region = "us-east-1";

    private Process? process;

    public Uri Endpoint { get; private set; } = new("http://127.0.0.1:1");

    // What the AWS CLI (and apply.sh) need to talk to this moto and nothing else.
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_REGION"] = Region,
        ["AWS_ENDPOINT_URL"] = Endpoint.ToString().TrimEnd('/'),
        ["AWS_CONFIG_FILE"] = "/nonexistent/shoal-tests-aws-config",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/shoal-tests-aws-credentials",
        ["PATH"] = string.Join(Path.PathSeparator, [System.Environment.GetEnvironmentVariable("PATH") ?? "", .. PythonToolDirectories()]),
    };

    public static string[] PythonToolDirectories() =>
        [Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".pyenv", "shims"), "/root/.pyenv/shims"];

    public async Task InitializeAsync()
    {
        var moto = ProcessRunner.Find("moto_server", PythonToolDirectories())
            ?? throw new InvalidOperationException("moto_server is not on PATH or in ~/.pyenv/shims: it ships with the machine image (see .ci/run)");
        var port = FreePort();
        var start = new ProcessStartInfo(moto) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Endpoint = new Uri($"http://127.0.0.1:{port}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Endpoint, "/moto-api/"));
                return;
            }
            catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                // Not listening yet: poll again shortly, within the deadline.
                await Task.Delay(50);
            }
        }
    }

    public async Task ResetAsync()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(Endpoint, "/moto-api/reset"), null);
        response.EnsureSuccessStatusCode();
    }

    public Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process?.Dispose();
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
