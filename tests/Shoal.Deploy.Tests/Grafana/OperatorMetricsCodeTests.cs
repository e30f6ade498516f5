using System.Text.RegularExpressions;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Grafana;

public sealed partial class OperatorMetricsCodeTests(ITestOutputHelper output)
{
    [Fact]
    public void The_catalogue_matches_the_metrics_the_operator_registers_when_it_registers_any()
    {
        var registered = Directory.EnumerateFiles(RepoPaths.Of("src", "Shoal.Operator"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => MetricName().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        if (registered.Count == 0)
        {
            output.WriteLine("skipped: src/Shoal.Operator registers no shoal_* metric yet (its metrics code is not in this tree)");
            return;
        }

        Assert.Equal(OperatorMetrics.Labels.Keys.Order(StringComparer.Ordinal), registered.Order(StringComparer.Ordinal));
    }

    [GeneratedRegex("\"(shoal_[a-z_]+)\"")]
    private static partial Regex MetricName();
}
