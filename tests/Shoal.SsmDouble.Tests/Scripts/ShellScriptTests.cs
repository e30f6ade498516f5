using Shoal.SsmDouble.Scripts;

namespace Shoal.SsmDouble.Tests.Scripts;

public sealed class ShellScriptTests
{
    [Fact]
    public void Sleep_echo_and_exit_give_the_run_its_length_output_times_and_exit_code()
    {
        var plan = ShellScript.Plan(["echo start; sleep 1.5 && echo middle", "sleep 2", "exit 4", "echo never; sleep 100"]);

        Assert.Equal(TimeSpan.FromSeconds(3.5), plan.Duration);
        Assert.Equal(4, plan.ExitCode);
        Assert.Equal([new ScriptOutput(TimeSpan.Zero, "start\n"), new ScriptOutput(TimeSpan.FromSeconds(1.5), "middle\n")], plan.Outputs);
        Assert.Equal("start\nmiddle\n", plan.Stdout);
    }

    [Fact]
    public void Output_before_a_stop_holds_only_what_was_written_before_that_moment()
    {
        var plan = ShellScript.Plan(["echo a", "sleep 2", "echo b", "sleep 2", "echo c"]);

        Assert.Equal("", plan.StdoutBefore(TimeSpan.Zero));
        Assert.Equal("a\n", plan.StdoutBefore(TimeSpan.FromSeconds(2)));
        Assert.Equal("a\nb\n", plan.StdoutBefore(TimeSpan.FromSeconds(3)));
        Assert.Equal("a\nb\nc\n", plan.Stdout);
    }

    [Fact]
    public void A_script_without_exit_succeeds_and_one_with_only_unknown_commands_takes_no_time()
    {
        var plan = ShellScript.Plan(["aws s3 cp s3://in/x /tmp/x", "python3 run.py --fast", "cd /tmp"]);

        Assert.Equal(TimeSpan.Zero, plan.Duration);
        Assert.Equal(0, plan.ExitCode);
        Assert.Empty(plan.Outputs);
    }

    [Fact]
    public void Separators_and_commands_inside_quotes_are_only_text()
    {
        var plan = ShellScript.Plan([
            "export A='x; sleep 100 && exit 9'",
            "export GREETING='it'\\''s {''{ssm:x}}'",
            "echo \"quoted; sleep 50\" 'single && exit 3' plain\\;escaped",
        ]);

        Assert.Equal(TimeSpan.Zero, plan.Duration);
        Assert.Equal(0, plan.ExitCode);
        Assert.Equal("quoted; sleep 50 single && exit 3 plain;escaped\n", plan.Stdout);
    }

    [Fact]
    public void Double_quotes_keep_backslashes_except_before_the_characters_sh_escapes()
    {
        var plan = ShellScript.Plan(["echo \"a\\\"b\\\\c\\nd\""]);

        Assert.Equal("a\"b\\c\\nd\n", plan.Stdout);
    }

    [Fact]
    public void Comments_are_skipped_but_a_hash_inside_a_word_is_kept()
    {
        var plan = ShellScript.Plan(["# sleep 100", "echo issue#4 # exit 3; sleep 9", "  # indented comment: exit 5"]);

        Assert.Equal(TimeSpan.Zero, plan.Duration);
        Assert.Equal(0, plan.ExitCode);
        Assert.Equal("issue#4\n", plan.Stdout);
    }

    [Fact]
    public void Newlines_inside_one_commands_line_separate_commands_and_a_trailing_backslash_continues_the_line()
    {
        var plan = ShellScript.Plan(["echo one\nsleep 1\necho two \\\n  three"]);

        Assert.Equal(TimeSpan.FromSeconds(1), plan.Duration);
        Assert.Equal("one\ntwo three\n", plan.Stdout);
    }

    [Fact]
    public void After_a_command_that_succeeded_or_skips_the_next_and_and_continues()
    {
        var plan = ShellScript.Plan(["echo ok || exit 7", "echo a || echo b || echo c && echo d", "sleep 1 ||\n sleep 50"]);

        Assert.Equal(0, plan.ExitCode);
        Assert.Equal("ok\na\nd\n", plan.Stdout);
        Assert.Equal(TimeSpan.FromSeconds(1), plan.Duration);
    }

    [Fact]
    public void Piped_output_goes_to_the_next_command_and_exit_in_a_pipeline_ends_only_its_subshell()
    {
        var plan = ShellScript.Plan(["echo hidden | grep x", "exit 3 | cat", "sleep 1 | echo shown"]);

        Assert.Equal(0, plan.ExitCode);
        Assert.Equal("shown\n", plan.Stdout);
        Assert.Equal(TimeSpan.FromSeconds(1), plan.Duration);
    }

    [Fact]
    public void Background_commands_are_not_modelled()
    {
        var plan = ShellScript.Plan(["sleep 100 & echo fg", "exit 5 &"]);

        Assert.Equal(TimeSpan.Zero, plan.Duration);
        Assert.Equal(0, plan.ExitCode);
        Assert.Equal("fg\n", plan.Stdout);
    }

    [Theory]
    [InlineData("sleep 2", 2.0)]
    [InlineData("sleep 0.25", 0.25)]
    [InlineData("sleep .5", 0.5)]
    [InlineData("sleep 1m 2s", 62.0)]
    [InlineData("sleep 1h", 3600.0)]
    [InlineData("sleep 0.5d", 43_200.0)]
    [InlineData("/bin/sleep 3", 3.0)]
    [InlineData("TZ=UTC sleep 4", 4.0)]
    [InlineData("sleep abc 5", 0.0)]
    [InlineData("sleep -1", 0.0)]
    [InlineData("sleep", 0.0)]
    public void Sleep_reads_arguments_as_GNU_sleep_does(string line, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), ShellScript.Plan([line]).Duration);
    }

    [Fact]
    public void Sleep_infinity_and_huge_sleeps_last_forever_without_overflowing()
    {
        Assert.Equal(ShellScript.Forever, ShellScript.Plan(["sleep infinity"]).Duration);
        Assert.Equal(ShellScript.Forever, ShellScript.Plan(["sleep 99999999999d", "sleep 99999999999d"]).Duration);
        Assert.Equal(ShellScript.Forever, ShellScript.Plan(["sleep infinity", "sleep 5", "echo late"]).Duration);
    }

    [Theory]
    [InlineData("exit", 0)]
    [InlineData("exit 0", 0)]
    [InlineData("exit 42", 42)]
    [InlineData("exit 256", 0)]
    [InlineData("exit 257", 1)]
    [InlineData("exit -1", 255)]
    [InlineData("exit nope", 2)]
    public void Exit_keeps_the_low_eight_bits_as_sh_does(string line, int code)
    {
        Assert.Equal(code, ShellScript.Plan([line, "echo after"]).ExitCode);
        Assert.Equal("", ShellScript.Plan([line, "echo after"]).Stdout);
    }

    [Theory]
    [InlineData("echo", "\n")]
    [InlineData("echo -n no newline", "no newline")]
    [InlineData("echo -e tab", "tab\n")]
    [InlineData("echo -ne x", "x")]
    [InlineData("echo -x y", "-x y\n")]
    [InlineData("echo   spaced    words  ", "spaced words\n")]
    [InlineData("echo \"  kept  \"", "  kept  \n")]
    [InlineData("echo $HOME", "$HOME\n")]
    public void Echo_joins_its_arguments_like_bash(string line, string output)
    {
        Assert.Equal(output, ShellScript.Plan([line]).Stdout);
    }
}
