using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Shoal.Aws.Sdk;

namespace Shoal.Aws.Tests.Moto;

/// <summary>
/// One moto_server per test class (an xunit class fixture) on 127.0.0.1 and a free port. Tests call
/// <see cref="ResetAsync"/> to start from an empty account instead of paying for a restart.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    private Process? process;

    public Uri Endpoint { get; private set; } = new("http://127.0.0.1:1");

    public AwsClientOptions Options => new() { Region = "us-east-1", Endpoint = Endpoint };

    /// <summary>moto accepts any credentials; fixed ones keep the SDK from searching the machine for a profile.</summary>
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    public AwsClients NewClients() => new(Options, Credentials);

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("moto_server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("moto_server could not be started: is it on PATH?");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Endpoint = new Uri($"http://127.0.0.1:{port}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Endpoint, "/moto-api/"));
                return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
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
