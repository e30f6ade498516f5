using System.Diagnostics;

namespace Shoal.KubeApi.Tests.Support;

/// <summary>
/// The real kubectl (/usr/bin/kubectl, the 1.32 dispatcher) against an emulator, with its own kubeconfig and a
/// fresh discovery/OpenAPI cache directory, so every test sees kubectl's full request sequence.
/// </summary>
public sealed class Kubectl : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory directory = new();
    private readonly string kubeconfig;

    public Kubectl(KubeApiServer server)
    {
        kubeconfig = System.IO.Path.Combine(directory.Path, "kubeconfig");
        server.WriteKubeconfig(kubeconfig);
    }

    public string File(string name, string content) => directory.File(name, content);

    public static string Fixture(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--kubeconfig", kubeconfig, "--cache-dir", System.IO.Path.Combine(directory.Path, "cache") }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = directory.Path;
        start.Environment.Remove("KUBECONFIG");
        return Process.Start(start) ?? throw new InvalidOperationException("kubectl could not be started: is it on PATH?");
    }

    public async Task<KubectlResult> RunAsync(params string[] args)
    {
        using var process = Start(args);
        return await WaitAsync(process);
    }

    public static async Task<KubectlResult> WaitAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl did not finish within {Timeout.TotalSeconds} s: {await stdout}{await stderr}");
        }

        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose() => directory.Dispose();
}
