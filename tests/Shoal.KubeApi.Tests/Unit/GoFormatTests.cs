using Shoal.KubeApi.Schema;

namespace Shoal.KubeApi.Tests.Unit;

public sealed class GoFormatTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(1, "1")]
    [InlineData(-3, "-3")]
    [InlineData(0.5, "0.5")]
    [InlineData(100000, "100000")]
    [InlineData(1000000, "1e+06")]
    [InlineData(1234567, "1.234567e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.000025, "2.5e-05")]
    public void Floats_print_like_gos_percent_v(double value, string expected) => Assert.Equal(expected, GoFormat.Float(value));
}
