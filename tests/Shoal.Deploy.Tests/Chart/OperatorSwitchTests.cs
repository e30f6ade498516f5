using System.Text.RegularExpressions;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Chart;

// The chart passes settings as command-line switches; each must be one the operator reads, or the
// operator would start with a default the user did not choose.
public sealed partial class OperatorSwitchTests
{
    [Fact]
    public void Every_switch_the_chart_passes_is_one_the_operator_knows()
    {
        var known = OperatorSwitches();
        Assert.NotEmpty(known);

        var unknown = DeploymentTests.Args().Select(a => a.Split('=', 2)[0]).Where(s => !known.Contains(s)).ToList();

        Assert.True(unknown.Count == 0, $"the chart passes switches the operator does not read: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void The_chart_passes_each_switch_once_as_name_equals_value()
    {
        var args = DeploymentTests.Args();

        Assert.All(args, a => Assert.Matches(SwitchWithValue(), a));
        Assert.Equal(args.Count, args.Select(a => a.Split('=', 2)[0]).Distinct(StringComparer.Ordinal).Count());
    }

    private static HashSet<string> OperatorSwitches()
    {
        var source = RepoPaths.Of("src", "Shoal.Operator");
        return Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => QuotedSwitch().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("\"(--[a-z][a-z-]*)\"")]
    private static partial Regex QuotedSwitch();

    [GeneratedRegex(@"^--[a-z][a-z-]*=\S+$")]
    private static partial Regex SwitchWithValue();
}
