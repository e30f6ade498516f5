using System.Text.RegularExpressions;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Grafana;

public sealed partial class OperatorMetricsCodeTests
{
    [Fact]
    public void The_catalogue_matches_the_metrics_the_operator_registers()
    {
        var registered = Directory.EnumerateFiles(RepoPaths.Of("src", "Shoal.Operator"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => MetricName().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Equal(OperatorMetrics.Labels.Keys.Order(StringComparer.Ordinal), registered.Order(StringComparer.Ordinal));
    }

    [GeneratedRegex("\"(shoal_[a-z_]+)\"")]
    private static partial Regex MetricName();
}
