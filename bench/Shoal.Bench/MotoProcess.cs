using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Shoal.Aws.Sdk;

namespace Shoal.Bench;

/// <summary>
/// moto_server on 127.0.0.1 and a free port, started and stopped by the bench: the start/stop logic of
/// tests/Shoal.Aws.Tests/Moto/MotoServer.cs without the xunit fixture (which the bench cannot reference).
/// </summary>
internal sealed class MotoProcess : IAsyncDisposable
{
    private readonly Process process;

    private MotoProcess(Process process, Uri endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>moto accepts any credentials; fixed ones keep the SDK from searching the machine for a profile.</summary>
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    /// <summary>A new set of SDK clients, each with its own call counter (so callers can be told apart).</summary>
    public AwsClients NewClients() => new(new AwsClientOptions { Region = "us-east-1", Endpoint = Endpoint }, Credentials, new AwsCallCounter());

    public static async Task<MotoProcess> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("moto_server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("moto_server could not be started: is it on PATH?");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var moto = new MotoProcess(process, new Uri($"http://127.0.0.1:{port}"));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(moto.Endpoint, "/moto-api/"), cancellationToken);
                return moto;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch
            {
                await moto.DisposeAsync();
                throw;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
