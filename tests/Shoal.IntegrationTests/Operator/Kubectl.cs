using System.Diagnostics;
using System.Text.Json;

namespace Shoal.IntegrationTests.Operator;

/// <summary>The real kubectl against the API emulator, with its own discovery cache so runs do not leak into each other.</summary>
internal sealed class Kubectl(string kubeconfig, string cacheDir)
{
    public async Task<(int ExitCode, string Stdout, string Stderr)> TryAsync(params string[] args)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        start.ArgumentList.Add("--cache-dir");
        start.ArgumentList.Add(cacheDir);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }

    public async Task<string> RunAsync(params string[] args)
    {
        var (code, stdout, stderr) = await TryAsync(args);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} exited {code}: {stderr}");
        return stdout;
    }

    public async Task<JsonElement> JsonAsync(params string[] args) =>
        JsonDocument.Parse(await RunAsync([.. args, "-o", "json"])).RootElement.Clone();
}
