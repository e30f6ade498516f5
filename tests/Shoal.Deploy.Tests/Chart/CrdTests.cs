using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Chart;

// config/crd/ is generated from the C# types; the chart installs the same files from its crds/ folder.
public sealed class CrdTests
{
    [Fact]
    public void Chart_crds_equal_config_crd()
    {
        var generated = RepoPaths.Of("config", "crd");
        var chart = RepoPaths.Of("charts", "shoal", "crds");
        Assert.True(Directory.Exists(generated), "config/crd/ is missing: run scripts/generate-crds.sh");

        var expected = Yamls(generated);
        var actual = Directory.Exists(chart) ? Yamls(chart) : [];

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, text) in expected)
        {
            Assert.True(text == actual[name], $"charts/shoal/crds/{name} differs from config/crd/{name}: copy config/crd/*.yaml into charts/shoal/crds/");
        }
    }

    private static Dictionary<string, string> Yamls(string dir) =>
        Directory.GetFiles(dir, "*.yaml").ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal);
}
