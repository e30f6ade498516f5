using System.Text.RegularExpressions;
using Shoal.Api.V1Alpha1;

namespace Shoal.Api.Tests.Schema;

// The same strings go to the API server as OpenAPI patterns; these pin what they accept, matching the
// manifest checks `shoal run` makes.
public sealed class PatternTests
{
    [Theory]
    [InlineData(Patterns.DnsLabel, "demo", true)]
    [InlineData(Patterns.DnsLabel, "demo-pool-2", true)]
    [InlineData(Patterns.DnsLabel, "Demo", false)]
    [InlineData(Patterns.DnsLabel, "-demo", false)]
    [InlineData(Patterns.DnsLabel, "demo.pool", false)]
    [InlineData(Patterns.DnsLabel, "", false)]
    [InlineData(Patterns.HttpUrl, "https://sqs.us-east-1.amazonaws.com/123456789012/my-queue", true)]
    [InlineData(Patterns.HttpUrl, "http://127.0.0.1:5000/000000000000/q", true)]
    [InlineData(Patterns.HttpUrl, "sqs.us-east-1.amazonaws.com/123456789012/my-queue", false)]
    [InlineData(Patterns.HttpUrl, "ftp://host/q", false)]
    [InlineData(Patterns.SqsQueueName, "demo-job_queue", true)]
    [InlineData(Patterns.SqsQueueName, "demo.fifo", false)]
    [InlineData(Patterns.DynamoTableName, "demo-job.monitoring_1", true)]
    [InlineData(Patterns.DynamoTableName, "ab", false)]
    [InlineData(Patterns.S3BucketName, "shoal-demo-drop", true)]
    [InlineData(Patterns.S3BucketName, "Shoal-Demo", false)]
    [InlineData(Patterns.S3BucketName, "ab", false)]
    [InlineData(Patterns.AmiId, "ami-0123456789abcdef0", true)]
    [InlineData(Patterns.AmiId, "ami-12345678", true)]
    [InlineData(Patterns.AmiId, "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", false)]
    [InlineData(Patterns.InstanceType, "m7i.large", true)]
    [InlineData(Patterns.InstanceType, "u-6tb1.metal", true)]
    [InlineData(Patterns.InstanceType, "m7i", false)]
    [InlineData(Patterns.SubnetId, "subnet-0123456789abcdef0", true)]
    [InlineData(Patterns.SubnetId, "sg-0123456789abcdef0", false)]
    [InlineData(Patterns.SecurityGroupId, "sg-0123456789abcdef0", true)]
    [InlineData(Patterns.SecurityGroupId, "sg-xyz", false)]
    [InlineData(Patterns.NotBlank, ".sh", true)]
    [InlineData(Patterns.NotBlank, "  two words\nand a line ", true)]
    [InlineData(Patterns.NotBlank, "", false)]
    [InlineData(Patterns.NotBlank, " \t ", false)]
    [InlineData(Patterns.ConditionType, "Ready", true)]
    [InlineData(Patterns.ConditionType, "shoal.dev/QueueReachable", true)]
    [InlineData(Patterns.ConditionType, "Not Ready", false)]
    [InlineData(Patterns.ConditionReason, "QueueMissing", true)]
    [InlineData(Patterns.ConditionReason, "", false)]
    [InlineData(Patterns.ConditionReason, "Queue missing", false)]
    public void PatternMatchesTheWholeValue(string pattern, string value, bool matches)
    {
        Assert.Equal(matches, Regex.IsMatch(value, pattern));
    }

    [Fact]
    public void PatternsAreAnchoredSoTheApiServersSearchMeansAWholeMatch()
    {
        foreach (var field in typeof(Patterns).GetFields())
        {
            var pattern = (string)field.GetValue(null)!;
            Assert.True(pattern.StartsWith('^') && pattern.EndsWith('$'), $"Patterns.{field.Name} is not anchored: {pattern}");
        }
    }
}
