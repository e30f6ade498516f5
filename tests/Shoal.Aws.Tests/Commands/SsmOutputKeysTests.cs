using Shoal.Aws.Commands;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// The agent's S3 layout (amazon-ssm-agent joins prefix, command id, instance id, plugin name and plugin
/// id with Go's path.Join after removing colons; AWS's examples show
/// <c>prefix/commandId/instanceId/awsrunShellScript/0.awsrunShellScript/stdout</c>).
/// </summary>
public sealed class SsmOutputKeysTests
{
    [Theory]
    [InlineData("runs", "runs/c-1/i-1/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData("runs/", "runs/c-1/i-1/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData("a//b/", "a/b/c-1/i-1/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData("", "c-1/i-1/awsrunShellScript/0.awsrunShellScript/stdout")]
    [InlineData(null, "c-1/i-1/awsrunShellScript/0.awsrunShellScript/stdout")]
    public void Shell_script_stdout_lies_under_the_plugin_folders(string? prefix, string expected) =>
        Assert.Equal(expected, SsmOutputKeys.StdoutKey(prefix, "c-1", "i-1", "AWS-RunShellScript"));

    [Fact]
    public void PowerShell_stdout_lies_under_its_own_plugin_folders() =>
        Assert.Equal("out/c-1/i-1/awsrunPowerShellScript/0.awsrunPowerShellScript/stdout", SsmOutputKeys.StdoutKey("out", "c-1", "i-1", "AWS-RunPowerShellScript"));

    [Fact]
    public void Documents_named_by_ARN_are_recognised() =>
        Assert.NotNull(SsmOutputKeys.StdoutKey("out", "c", "i", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"));

    [Fact]
    public void Other_documents_have_no_known_key_but_a_folder_to_list()
    {
        Assert.Null(SsmOutputKeys.StdoutKey("out", "c", "i", "Team-RunBatch"));
        Assert.Equal("out/c/i/", SsmOutputKeys.InvocationFolder("out/", "c", "i"));
    }

    [Theory]
    [InlineData(new[] { "a", "b" }, "a/b")]
    [InlineData(new[] { "/a/", "/b/" }, "/a/b")]
    [InlineData(new[] { "a/./b", "../c" }, "a/c")]
    [InlineData(new[] { "", "" }, "")]
    public void Join_behaves_like_Gos_path_Join(string[] parts, string expected) =>
        Assert.Equal(expected, SsmOutputKeys.Join(parts));
}
