using Shoal.KubeApi.Tables;

namespace Shoal.KubeApi.Tests.Unit;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(59, "59s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(125, "2m5s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 - 1, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 300, "3h5m")]
    [InlineData(8 * 3600 + 300, "8h")]
    [InlineData(47 * 3600, "47h")]
    [InlineData(53 * 3600, "2d5h")]
    [InlineData(7 * 86400, "7d")]
    [InlineData(8 * 86400 + 3600, "8d")]
    [InlineData(729 * 86400, "729d")]
    [InlineData(731 * 86400, "2y1d")]
    [InlineData(8 * 365 * 86400, "8y")]
    public void Ages_read_like_the_real_servers(long seconds, string expected)
        => Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
}
