using System.Text.Json.Nodes;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Chart;

// helm is not on this machine (not in Debian, not on npm), so these report themselves skipped here
// (HelmFact) and run wherever helm is on PATH: a developer laptop, a hosted CI image.
public sealed class HelmTests
{
    private static readonly string Chart = RepoPaths.Of("charts", "shoal");

    [HelmFact]
    public async Task Helm_lint_passes()
    {
        var helm = Helm();

        var result = await ProcessRunner.RunAsync(helm, ["lint", Chart, "--strict", "--set", "aws.region=us-east-1"]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [HelmFact]
    public async Task Helm_template_renders_every_resource()
    {
        var helm = Helm();

        var result = await ProcessRunner.RunAsync(helm, ["template", "shoal", Chart, "--namespace", "shoal-system", "--include-crds",
            "--set", "aws.region=us-east-1", "--set", "metrics.serviceMonitor.enabled=true"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var kinds = Yaml.LoadAll(result.StandardOutput).OfType<JsonObject>().Select(d => d["kind"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(
            new HashSet<string>(["Deployment", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "ServiceMonitor", "PodDisruptionBudget"], StringComparer.Ordinal),
            kinds);
    }

    [HelmFact]
    public async Task Helm_template_without_a_region_says_what_to_set()
    {
        var helm = Helm();

        var result = await ProcessRunner.RunAsync(helm, ["template", "shoal", Chart]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("aws.region is required", result.StandardError, StringComparison.Ordinal);
    }

    private static string Helm() => ProcessRunner.Find("helm") ?? throw new InvalidOperationException("helm is not on PATH");
}
