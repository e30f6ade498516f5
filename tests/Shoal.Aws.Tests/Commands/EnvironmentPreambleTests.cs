using System.Diagnostics;
using System.Text;
using Shoal.Aws.Commands;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// Job variables are spliced into a script, so hostile values must stay data. The shell lines are
/// run through the real bash and dash on this machine (AWS-RunShellScript runs its script with sh,
/// which is bash on Amazon Linux and dash on Ubuntu). PowerShell is not installed here: its quoting is
/// checked against the language's rules instead.
/// </summary>
public sealed class EnvironmentPreambleTests
{
    public static readonly TheoryData<string> HostileValues =
    [
        "",
        "plain",
        "it's",
        "'",
        "''",
        "'\\''",
        "'; touch /tmp/shoal-pwned; echo '",
        "$(touch /tmp/shoal-pwned)",
        "`touch /tmp/shoal-pwned`",
        "${HOME}",
        "$HOME and $$",
        "\"double\" quotes",
        "back\\slash\\",
        "line one\nline two\n",
        "tab\tand\rcarriage",
        "glob * ? [a-z]",
        "{{ssm:/prod/db-password}}",
        "{{{triple}}}",
        "-n",
        "unicode: naïve ☃ 😀 ‘quoted’",
        "!history !!",
        "a;b|c&d>e<f",
    ];

    [Theory]
    [MemberData(nameof(HostileValues))]
    public async Task Hostile_values_stay_literal_in_bash_and_dash(string value)
    {
        var marker = Path.Combine(Path.GetTempPath(), "shoal-pwned");
        File.Delete(marker);
        var lines = EnvironmentPreamble.Lines([new("VALUE", value), new("OTHER", "second")], powerShell: false);

        foreach (var shell in new[] { "bash", "dash" })
        {
            var script = string.Join('\n', lines) + "\nprintf '%s|%s' \"$VALUE\" \"$OTHER\"\n";
            var (stdout, exit) = await RunAsync(shell, script);

            Assert.Equal(0, exit);
            Assert.Equal(value + "|second", stdout);
        }

        Assert.False(File.Exists(marker), "a value ran as code");
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void No_value_leaves_an_SSM_parameter_reference_behind(string value)
    {
        // SSM would replace {{ssm:name}} in a parameter value with the parameter's content.
        Assert.DoesNotContain("{{", EnvironmentPreamble.Lines([new("VALUE", value)], powerShell: false)[0], StringComparison.Ordinal);
        Assert.DoesNotContain("{{", EnvironmentPreamble.Lines([new("VALUE", value)], powerShell: true)[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("O'Brien", "'O''Brien'")]
    [InlineData("‘smart’ ‚low‛", "'‘‘smart’’ ‚‚low‛‛'")]
    [InlineData("$env:PATH $(Get-Process) `n", "'$env:PATH $(Get-Process) `n'")]
    [InlineData("{{ssm:x}}", "'{' + '{ssm:x}}'")]
    public void PowerShell_values_are_single_quoted_with_every_quote_character_doubled(string value, string expected) =>
        Assert.Equal(expected, EnvironmentPreamble.PowerShellQuote(value));

    [Fact]
    public void PowerShell_lines_assign_the_process_environment() =>
        Assert.Equal(["$env:A_1 = 'x'"], EnvironmentPreamble.Lines([new("A_1", "x")], powerShell: true));

    [Theory]
    [InlineData("1ABC")]
    [InlineData("A-B")]
    [InlineData("A B")]
    [InlineData("A=B")]
    [InlineData("$(id)")]
    [InlineData("")]
    public void Names_that_are_not_variable_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => EnvironmentPreamble.Lines([new(name, "x")], powerShell: false));

    [Fact]
    public void A_NUL_in_a_value_is_refused() =>
        Assert.Throws<ArgumentException>(() => EnvironmentPreamble.Lines([new("A", "x\0y")], powerShell: false));

    private static async Task<(string Stdout, int Exit)> RunAsync(string shell, string script)
    {
        var start = new ProcessStartInfo(shell)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add("-s");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True((await stderr).Length == 0, $"{shell} wrote to stderr: {await stderr}");
        return (await stdout, process.ExitCode);
    }
}
