using System.Text.Json;
using Shoal.IntegrationTests.Operator;

namespace Shoal.E2ETests;

/// <summary>The steps the k3s scenarios share, as a user would take them with kubectl, `shoal` and the AWS CLI.</summary>
internal static class ClusterSteps
{
    public static string CrdFolder => Path.Combine(OperatorRig.RepoRoot(), "config", "crd");

    public static string JobLine(string id, string command, int? retry = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["job_id"] = id,
        ["retry"] = retry,
        ["job_success_string"] = "done",
        ["commands"] = new[] { command },
    });

    /// <summary>
    /// The CRDs, then the samples. A real API server serves a new CRD only once it is Established (the
    /// emulator does so at once), so wait for that between the two applies, as a deploy script must.
    /// </summary>
    public static async Task ApplyCrdsAndSamplesAsync(OperatorRig rig, params (string From, string To)[] edits)
    {
        await ApplyCrdsAsync(rig);
        rig.WriteManifests(edits);
        await rig.Kubectl.RunAsync("apply", "-f", rig.Manifests);
    }

    public static async Task ApplyCrdsAsync(OperatorRig rig)
    {
        await rig.Kubectl.RunAsync("apply", "-f", CrdFolder);
        await rig.Kubectl.RunAsync("wait", "--for=condition=Established", "--timeout=60s", "-f", CrdFolder);
    }

    public static async Task<string?> ReadyAsync(OperatorRig rig, string kind, string name)
    {
        var (code, stdout, _) = await rig.Kubectl.TryAsync("get", kind, name, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
        return code == 0 ? stdout : null;
    }

    public static async Task<string?> JobStatusAsync(OperatorRig rig, string id) =>
        (await rig.JobAsync(id)) is { } item ? item.GetProperty("status").GetProperty("S").GetString() : null;

    public static async Task<bool> AllEndedAsync(OperatorRig rig, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            if (await JobStatusAsync(rig, id) is not ("SUCCEEDED" or "FAILED"))
            {
                return false;
            }
        }

        return true;
    }

    public static async Task<int> CountAsync(OperatorRig rig, IEnumerable<string> ids, string status)
    {
        var count = 0;
        foreach (var id in ids)
        {
            count += await JobStatusAsync(rig, id) == status ? 1 : 0;
        }

        return count;
    }

    public static async Task<bool> NoWorkerLeftAsync(OperatorRig rig) =>
        (await rig.Kubectl.RunAsync("get", "workers", "--no-headers")).Length == 0
        && (await rig.InstancesAsync()).All(i => i.GetProperty("State").GetProperty("Name").GetString() is "terminated" or "shutting-down");

    /// <summary>The first data row of `kubectl get` as header → cell, in column order; null while there is none.</summary>
    public static Dictionary<string, string>? FirstRow(string table)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2)
        {
            return null;
        }

        var headers = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var cells = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return headers.Length == cells.Length ? headers.Zip(cells).ToDictionary(p => p.First, p => p.Second) : null;
    }
}
