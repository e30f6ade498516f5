using Shoal.KubeApi.Http;
using Shoal.KubeApi.Selectors;

namespace Shoal.KubeApi.Tests.Unit;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["team"] = "a", ["tier"] = "gold" };

    [Theory]
    [InlineData("", true)]
    [InlineData("team=a", true)]
    [InlineData("team==a", true)]
    [InlineData("team=b", false)]
    [InlineData("team!=b", true)]
    [InlineData("owner!=b", true)]
    [InlineData("team in (a, b)", true)]
    [InlineData("team notin (a)", false)]
    [InlineData("owner notin (a)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("team=a,tier in (silver,bronze)", false)]
    [InlineData("team=a,tier in (gold,silver)", true)]
    public void Matches_equality_and_set_requirements(string selector, bool expected)
        => Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));

    [Fact]
    public void A_malformed_selector_is_a_bad_request_that_explains_the_syntax()
    {
        var error = Assert.Throws<ApiException>(() => LabelSelector.Parse("team=a,tier>>gold"));
        Assert.Equal(400, error.Code);
        Assert.Contains("\"tier>>gold\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("key in (a,b)", error.Message, StringComparison.Ordinal);
    }
}
