using System.Diagnostics;
using System.Text.Json;

namespace Shoal.Cli.Tests.EndToEnd;

/// <summary>Runs the real `shoal` binary (built next to the tests) as a separate process.</summary>
internal static class ShoalProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "shoal.dll");

    public static Process Start(string workingDirectory, params string[] args) => Start(workingDirectory, null, args);

    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in env ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, null, args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var process = Start(workingDirectory, env, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"shoal {string.Join(' ', args)} did not finish in 3 minutes; stderr so far: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    public static Task<JsonElement> RunJsonAsync(string workingDirectory, params string[] args) => RunJsonAsync(workingDirectory, null, args);

    public static async Task<JsonElement> RunJsonAsync(string workingDirectory, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(workingDirectory, env, args);
        Assert.True(exit == 0, $"shoal {string.Join(' ', args)} exited {exit}\nstdout: {stdout}\nstderr: {stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }
}
