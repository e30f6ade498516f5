using Shoal.Aws.Commands;

namespace Shoal.Aws.Tests.Commands;

public sealed class SsmCommandRunnerOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_replace_the_seeds_one_hour_execution_limit()
    {
        var options = new SsmCommandRunnerOptions();

        options.Validate();
        Assert.Equal(TimeSpan.FromHours(12), options.DefaultExecutionTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), options.DeliveryTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), options.ReadinessTimeout);
        Assert.False(options.CloudWatchOutputEnabled);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new SsmCommandRunnerOptions
        {
            OutputBucket = "Not_A_Bucket",
            OutputKeyPrefix = new string('p', 501),
            DefaultExecutionTimeout = TimeSpan.FromHours(49),
            DeliveryTimeout = TimeSpan.FromSeconds(5),
            ReadinessTimeout = TimeSpan.Zero,
            OutputTailChars = 0,
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        foreach (var part in new[] { "Not_A_Bucket", "501", "48 h", "30 s", "readiness timeout", "tail" })
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_prefix_without_a_bucket_is_refused() =>
        Assert.Contains("needs an output bucket", Assert.Throws<ArgumentException>(new SsmCommandRunnerOptions { OutputKeyPrefix = "x" }.Validate).Message, StringComparison.Ordinal);
}
