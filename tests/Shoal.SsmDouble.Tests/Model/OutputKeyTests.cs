using Shoal.Aws.Commands;
using Shoal.SsmDouble.Upstream;

namespace Shoal.SsmDouble.Tests.Model;

/// <summary>
/// The double writes output where the agent does, and Shoal reads it where it expects the agent to:
/// two separate implementations of one layout, which must agree.
/// </summary>
public sealed class OutputKeyTests
{
    [Theory]
    [InlineData(null, "AWS-RunShellScript", "cmd-1/i-0abc/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData("", "AWS-RunShellScript", "cmd-1/i-0abc/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData("runs", "AWS-RunShellScript", "runs/cmd-1/i-0abc/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData("runs/", "AWS-RunShellScript", "runs/cmd-1/i-0abc/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData("a//b/./", "AWS-RunShellScript", "a/b/cmd-1/i-0abc/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData("/rooted", "AWS-RunShellScript", "/rooted/cmd-1/i-0abc/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData("ps", "AWS-RunPowerShellScript", "ps/cmd-1/i-0abc/awsrunPowerShellScript/0.awsrunPowerShellScript/stdout")]
    public void The_double_s_key_is_the_agent_s_layout_and_the_one_Shoal_reads(string? prefix, string document, string expected)
    {
        var key = OutputUploader.StdoutKey(prefix, "cmd-1", "i-0abc", document);

        Assert.Equal(expected, key);
        Assert.Equal(SsmOutputKeys.StdoutKey(prefix, "cmd-1", "i-0abc", document), key);
    }
}
