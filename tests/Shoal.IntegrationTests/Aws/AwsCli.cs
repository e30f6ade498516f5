using System.Diagnostics;
using System.Text.Json;

namespace Shoal.IntegrationTests.Aws;

/// <summary>
/// The real AWS CLI (v1 on these machines) pointed at moto. It is given --endpoint-url on every call:
/// v1 ignores AWS_ENDPOINT_URL for some services (SQS among them).
/// </summary>
internal sealed class AwsCli(Uri endpoint)
{
    public static IReadOnlyDictionary<string, string> Credentials { get; } = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_REGION"] = "us-east-1",
    };

    /// <summary>What `shoal` needs to reach moto: the standard variables a user would set.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(Credentials) { ["AWS_ENDPOINT_URL"] = endpoint.ToString().TrimEnd('/') };

    public async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in Credentials)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add("--endpoint-url");
        start.ArgumentList.Add(endpoint.ToString().TrimEnd('/'));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"aws {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        return (await stdout).Trim();
    }

    public async Task<JsonElement> JsonAsync(params string[] args) =>
        JsonDocument.Parse(await RunAsync([.. args, "--output", "json"])).RootElement.Clone();
}
