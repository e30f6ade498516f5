using System.Diagnostics;
using System.Globalization;
using System.Text;
using Shoal.Core.Ports;
using Shoal.Local.Commands;
using Shoal.Local.Fleet;

namespace Shoal.Local.Tests.Commands;

// Real bash processes on real time: every wait is WaitAsync (which returns as the command ends) or a
// condition polled with a deadline; no wall-clock duration is asserted.
public sealed class LocalCommandRunnerTests : IDisposable
{
    private readonly RunnerSandbox sandbox = new(outputTailChars: 100);

    public void Dispose() => sandbox.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(255)]
    public async Task Exit_code_of_the_script_is_captured(int code)
    {
        var worker = await sandbox.LaunchWorkerAsync();

        var (_, status) = await sandbox.RunAsync(RunnerSandbox.Request(worker, $"exit-{code}", "echo before", $"exit {code}"));

        Assert.Equal(CommandState.Completed, status.State);
        Assert.Equal(code, status.ExitCode);
        Assert.Null(status.Detail);
    }

    [Fact]
    public async Task Full_stdout_is_kept_in_its_file_and_OpenOutput_returns_all_of_it_while_the_tail_is_the_last_chars()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var expected = string.Concat(Enumerable.Range(1, 40000).Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n"));
        Assert.True(expected.Length > 200_000);

        var (handle, status) = await sandbox.RunAsync(RunnerSandbox.Request(worker, "long-output", "seq 1 40000"));

        Assert.Equal(0, status.ExitCode);
        Assert.Equal(expected, sandbox.Stdout("long-output"));
        using (var reader = await sandbox.Runner.OpenOutputAsync(handle, CancellationToken.None))
        {
            Assert.Equal(expected, await reader.ReadToEndAsync());
        }

        Assert.Equal(expected[^100..], status.OutputTail);
    }

    [Fact]
    public async Task Output_tail_is_the_last_chars_also_when_they_are_multi_byte()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var expected = string.Concat(Enumerable.Repeat("ü✓", 3000)) + "END";

        var (_, status) = await sandbox.RunAsync(RunnerSandbox.Request(worker, "unicode-output", "printf 'ü✓%.0s' $(seq 1 3000)", "printf END"));

        Assert.Equal(expected, sandbox.Stdout("unicode-output"));
        Assert.Equal(expected[^100..], status.OutputTail);
    }

    [Fact]
    public async Task Stderr_goes_to_its_own_file_and_not_into_stdout_or_the_tail()
    {
        var worker = await sandbox.LaunchWorkerAsync();

        var (_, status) = await sandbox.RunAsync(RunnerSandbox.Request(worker, "streams", "echo to-out", "echo to-err >&2"));

        Assert.Equal("to-out\n", sandbox.Stdout("streams"));
        Assert.Equal("to-err\n", sandbox.Stderr("streams"));
        Assert.Equal("to-out\n", status.OutputTail);
        Assert.True(File.Exists(Path.Combine(sandbox.AttemptDirectory("streams"), "script.sh")));
    }

    [Fact]
    public async Task Commands_run_as_one_script_so_state_carries_over_and_the_last_status_is_the_exit_code()
    {
        var worker = await sandbox.LaunchWorkerAsync();

        var (_, status) = await sandbox.RunAsync(RunnerSandbox.Request(worker, "one-script", "X=carried", "false", "echo \"X is $X\"", "(exit 6)"));

        Assert.Equal(CommandState.Completed, status.State);
        Assert.Equal(6, status.ExitCode);
        Assert.Equal("X is carried\n", sandbox.Stdout("one-script"));

        var (_, recovered) = await sandbox.RunAsync(RunnerSandbox.Request(worker, "last-wins", "false", "true"));
        Assert.Equal(0, recovered.ExitCode);
    }

    [Fact]
    public async Task Request_env_and_the_shoal_variables_reach_the_job_and_the_shoal_ones_cannot_be_spoofed()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var request = RunnerSandbox.Request(worker, "env-job", "printf '%s|%s|%s|%s' \"$GREETING\" \"$SHOAL_JOB_ID\" \"$SHOAL_ATTEMPT\" \"$SHOAL_WORKER_ID\"") with
        {
            Attempt = 2,
            Env = new Dictionary<string, string> { ["GREETING"] = "hello world", ["SHOAL_JOB_ID"] = "spoofed" },
        };

        var (_, status) = await sandbox.RunAsync(request);

        Assert.Equal(0, status.ExitCode);
        Assert.Equal($"hello world|env-job|2|{worker}", sandbox.Stdout("env-job", attempt: 2));
    }

    [Fact]
    public async Task Each_job_gets_a_fresh_working_directory_on_the_same_worker()
    {
        var worker = await sandbox.LaunchWorkerAsync();

        var (_, first) = await sandbox.RunAsync(RunnerSandbox.Request(worker, "job-1", "echo left > left-behind.txt", "pwd -P"));
        var (_, second) = await sandbox.RunAsync(RunnerSandbox.Request(worker, "job-2", "if [ -e left-behind.txt ]; then echo visible; else echo absent; fi", "ls -A | wc -l", "pwd -P"));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        var firstDirectory = sandbox.Stdout("job-1").Trim();
        var secondLines = sandbox.Stdout("job-2").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(File.Exists(Path.Combine(firstDirectory, "left-behind.txt")));
        Assert.Equal("absent", secondLines[0]);
        Assert.Equal("0", secondLines[1].Trim());
        Assert.NotEqual(firstDirectory, secondLines[2]);
    }

    [Fact]
    public async Task An_absolute_working_directory_is_honoured()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var requested = Path.Combine(sandbox.Root, "elsewhere", "work dir");
        Directory.CreateDirectory(requested);
        var request = RunnerSandbox.Request(worker, "abs-dir", "touch here.txt") with { WorkingDirectory = requested };

        var (_, status) = await sandbox.RunAsync(request);

        Assert.Equal(0, status.ExitCode);
        Assert.True(File.Exists(Path.Combine(requested, "here.txt")));
    }

    [Fact]
    public async Task Background_processes_left_by_a_finished_job_die_when_its_worker_is_terminated()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var childFile = Path.Combine(sandbox.Root, "daemon.pid");
        var request = RunnerSandbox.Request(worker, "leaves-a-daemon", "sleep 120 &", "echo $! > \"$CHILD_PID\"") with
        {
            Env = new Dictionary<string, string> { ["CHILD_PID"] = childFile },
        };
        var child = 0;
        try
        {
            var (_, status) = await sandbox.RunAsync(request);
            child = await ProcessProbe.ReadPidAsync(childFile);
            Assert.Equal(CommandState.Completed, status.State);
            Assert.True(ProcessProbe.IsAlive(child)); // the job is done; its daemon lives on, as on an instance

            await sandbox.Fleet.TerminateAsync(worker, "Idle", CancellationToken.None);

            await ProcessProbe.WaitUntilAsync(() => !ProcessProbe.IsAlive(child), "the daemon dies with its worker");
        }
        finally
        {
            ProcessProbe.KillIfAlive(child);
        }
    }

    [Fact]
    public async Task Timeout_kills_the_whole_process_group_including_background_children()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var leaderFile = Path.Combine(sandbox.Root, "leader.pid");
        var childFile = Path.Combine(sandbox.Root, "child.pid");
        var request = RunnerSandbox.Request(worker, "too-slow", "sleep 120 &", "echo $! > \"$CHILD_PID\"", "echo $$ > \"$LEADER_PID\"", "wait") with
        {
            Timeout = TimeSpan.FromSeconds(2),
            Env = new Dictionary<string, string> { ["CHILD_PID"] = childFile, ["LEADER_PID"] = leaderFile },
        };
        var leader = 0;
        var child = 0;
        try
        {
            var handle = await sandbox.StartAsync(request);
            leader = await ProcessProbe.ReadPidAsync(leaderFile);
            child = await ProcessProbe.ReadPidAsync(childFile);

            var status = await sandbox.WaitAsync(handle);

            Assert.Equal(CommandState.TimedOut, status.State);
            Assert.NotNull(status.Detail);
            Assert.False(ProcessProbe.IsAlive(leader));
            await ProcessProbe.WaitUntilAsync(() => !ProcessProbe.IsAlive(child), "the background sleep of a timed-out job dies with it");
        }
        finally
        {
            ProcessProbe.KillIfAlive(child);
        }
    }

    [Fact]
    public async Task Cancel_kills_the_command_and_reports_Cancelled()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var handle = await sandbox.StartAsync(RunnerSandbox.Request(worker, "to-cancel", "sleep 120"));

        Assert.Equal(CommandState.Running, (await sandbox.Runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);
        await sandbox.Runner.CancelAsync(handle, CancellationToken.None);
        var status = await sandbox.WaitAsync(handle);

        Assert.Equal(CommandState.Cancelled, status.State);
        var info = await sandbox.Fleet.DescribeAsync(worker, CancellationToken.None);
        Assert.Equal(WorkerState.Running, info!.State);
    }

    [Fact]
    public async Task Interruption_with_probability_one_kills_the_job_terminates_the_worker_and_removes_its_sandbox()
    {
        using var interrupted = new RunnerSandbox(new InterruptionSimulator(1.0, seed: 7, TimeSpan.FromMilliseconds(200)));
        var worker = await interrupted.LaunchWorkerAsync();
        var workerDirectory = Path.Combine(interrupted.Fleet.WorkersDirectory, worker);
        Assert.True(Directory.Exists(workerDirectory));

        // The job keeps creating files in its sandbox until the reclaim lands.
        var (_, status) = await interrupted.RunAsync(RunnerSandbox.Request(worker, "reclaimed", "i=0", "while :; do : > \"f$i\"; i=$((i+1)); done"));

        Assert.Equal(CommandState.Interrupted, status.State);
        var info = await interrupted.Fleet.DescribeAsync(worker, CancellationToken.None);
        Assert.Equal(WorkerState.Terminated, info!.State);
        Assert.False(info.Ready);
        Assert.Equal("SpotInterruption", info.StateReason);
        await ProcessProbe.WaitUntilAsync(() => !Directory.Exists(workerDirectory), "the reclaimed worker's sandbox is removed");
        await Assert.ThrowsAsync<InfrastructureException>(() => interrupted.StartAsync(RunnerSandbox.Request(worker, "after", "true")));
    }

    [Fact]
    public async Task Interruption_planned_for_an_attempt_that_ends_first_still_lands()
    {
        using var interrupted = new RunnerSandbox(new InterruptionSimulator(1.0, seed: 7, TimeSpan.FromHours(1)));
        var worker = await interrupted.LaunchWorkerAsync();

        var (_, status) = await interrupted.RunAsync(RunnerSandbox.Request(worker, "quick", "echo done"));

        Assert.Equal(CommandState.Interrupted, status.State);
        Assert.Equal(WorkerState.Terminated, (await interrupted.Fleet.DescribeAsync(worker, CancellationToken.None))!.State);
        Assert.False(Directory.Exists(Path.Combine(interrupted.Fleet.WorkersDirectory, worker)));
    }

    [Fact]
    public async Task Interruption_probability_zero_never_interrupts()
    {
        using var spared = new RunnerSandbox(new InterruptionSimulator(0, seed: 7, TimeSpan.FromMilliseconds(1)));
        var worker = await spared.LaunchWorkerAsync();

        for (var i = 0; i < 5; i++)
        {
            var (_, status) = await spared.RunAsync(RunnerSandbox.Request(worker, $"spared-{i}", "echo ok"));
            Assert.Equal(CommandState.Completed, status.State);
            Assert.Equal(0, status.ExitCode);
        }

        var info = await spared.Fleet.DescribeAsync(worker, CancellationToken.None);
        Assert.Equal(WorkerState.Running, info!.State);
        Assert.True(info.Ready);
    }

    [Fact]
    public async Task Start_on_an_unknown_worker_is_undeliverable()
    {
        var e = await Assert.ThrowsAsync<InfrastructureException>(() => sandbox.StartAsync(RunnerSandbox.Request("w-nobody-001", "job", "true")));
        Assert.Equal("Undeliverable", e.Reason);
    }

    [Fact]
    public async Task Start_on_a_terminated_worker_is_undeliverable_and_runs_nothing()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        await sandbox.Fleet.TerminateAsync(worker, "test", CancellationToken.None);
        var marker = Path.Combine(sandbox.Root, "ran");

        var e = await Assert.ThrowsAsync<InfrastructureException>(() => sandbox.StartAsync(RunnerSandbox.Request(worker, "job", $"touch '{marker}'")));

        Assert.Equal("Undeliverable", e.Reason);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Terminating_the_worker_kills_its_running_command_as_WorkerLost()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var handle = await sandbox.StartAsync(RunnerSandbox.Request(worker, "orphaned", "sleep 120"));

        await sandbox.Fleet.TerminateAsync(worker, "scale-in", CancellationToken.None);
        var status = await sandbox.WaitAsync(handle);

        Assert.Equal(CommandState.WorkerLost, status.State);
    }

    [Fact]
    public async Task PowerShell_document_exits_127_with_an_explanation_and_runs_nothing()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var marker = Path.Combine(sandbox.Root, "ran");
        var request = RunnerSandbox.Request(worker, "windows-job", $"touch '{marker}'") with { Document = "AWS-RunPowerShellScript" };

        var (_, status) = await sandbox.RunAsync(request);

        Assert.Equal(CommandState.Completed, status.State);
        Assert.Equal(127, status.ExitCode);
        var stderr = sandbox.Stderr("windows-job");
        Assert.Contains("AWS-RunPowerShellScript", stderr, StringComparison.Ordinal);
        Assert.Contains("bash", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task ReapOrphans_kills_a_process_group_left_behind_and_removes_worker_directories()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var leaderFile = Path.Combine(sandbox.Root, "leader.pid");
        var childFile = Path.Combine(sandbox.Root, "child.pid");
        var request = RunnerSandbox.Request(worker, "left-behind", "sleep 120 &", "echo $! > \"$CHILD_PID\"", "echo $$ > \"$LEADER_PID\"", "wait") with
        {
            Env = new Dictionary<string, string> { ["CHILD_PID"] = childFile, ["LEADER_PID"] = leaderFile },
        };
        var child = 0;
        try
        {
            var handle = await sandbox.StartAsync(request);
            var leader = await ProcessProbe.ReadPidAsync(leaderFile);
            child = await ProcessProbe.ReadPidAsync(childFile);
            Assert.True(ProcessProbe.IsAlive(child));

            // As the next `shoal run` would, knowing only the state directory.
            var reaped = LocalCommandRunner.ReapOrphans(sandbox.StateDirectory);

            Assert.Equal(1, reaped);
            await sandbox.WaitAsync(handle);
            Assert.False(ProcessProbe.IsAlive(leader));
            await ProcessProbe.WaitUntilAsync(() => !ProcessProbe.IsAlive(child), "the orphan's background child is killed with its group");
            Assert.Empty(Directory.EnumerateDirectories(sandbox.Fleet.WorkersDirectory));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(sandbox.StateDirectory, "running")));
        }
        finally
        {
            ProcessProbe.KillIfAlive(child);
        }
    }

    [Fact]
    public async Task ReapOrphans_spares_an_unrelated_process_whose_pid_is_in_a_stale_pid_file()
    {
        // A process group leader of its own (as a reused pid could be), without SHOAL_COMMAND_ID, that
        // echoes what it reads: an answer after the reap proves it was never killed.
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "bash", "--noprofile", "--norc", "-c", "while IFS= read -r line; do echo \"$line\"; done" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("SHOAL_COMMAND_ID");
        using var unrelated = Process.Start(start)!;
        try
        {
            Assert.Equal("before", await EchoAsync(unrelated, "before"));
            var running = Path.Combine(sandbox.StateDirectory, "running");
            Directory.CreateDirectory(running);
            File.WriteAllText(Path.Combine(running, "w-old-001-c1.pid"), $"{unrelated.Id} w-old-001-c1");
            File.WriteAllText(Path.Combine(running, "w-old-001-c2.pid"), "999999999 w-old-001-c2");
            File.WriteAllText(Path.Combine(running, "w-old-001-c3.pid"), "garbage");
            var leftover = Path.Combine(sandbox.Fleet.WorkersDirectory, "w-old-001", "jobs", "1");
            Directory.CreateDirectory(leftover);
            File.WriteAllText(Path.Combine(leftover, "file.txt"), "x");

            var reaped = LocalCommandRunner.ReapOrphans(sandbox.StateDirectory);

            Assert.Equal(0, reaped);
            Assert.Equal("after", await EchoAsync(unrelated, "after"));
            Assert.Empty(Directory.EnumerateFiles(running));
            Assert.False(Directory.Exists(Path.Combine(sandbox.Fleet.WorkersDirectory, "w-old-001")));
        }
        finally
        {
            unrelated.Kill();
            await unrelated.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("job with spaces")]
    [InlineData("it's \"quoted\"")]
    [InlineData("$(touch pwned)")]
    [InlineData("`touch pwned`")]
    [InlineData("a; touch pwned")]
    [InlineData("a && touch pwned")]
    [InlineData("a | touch pwned > x")]
    [InlineData("ünï ✓")]
    [InlineData("../../$(touch pwned)/'; touch pwned; echo '\"`touch pwned`\" && touch pwned ✓")]
    public async Task Job_ids_and_env_values_are_never_executed_and_reach_the_job_byte_for_byte(string hostile)
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var request = RunnerSandbox.Request(worker, hostile, "printf '%s' \"$SHOAL_JOB_ID\"", "printf '%s' \"$HOSTILE\" >&2") with
        {
            Env = new Dictionary<string, string> { ["HOSTILE"] = hostile },
        };

        var (_, status) = await sandbox.RunAsync(request);

        Assert.Equal(CommandState.Completed, status.State);
        Assert.Equal(0, status.ExitCode);
        Assert.Equal(Encoding.UTF8.GetBytes(hostile), sandbox.StdoutBytes(hostile));
        Assert.Equal(Encoding.UTF8.GetBytes(hostile), File.ReadAllBytes(Path.Combine(sandbox.AttemptDirectory(hostile), "stderr")));
        var outputs = Path.GetFullPath(Path.Combine(sandbox.StateDirectory, "outputs")) + Path.DirectorySeparatorChar;
        Assert.StartsWith(outputs, Path.GetFullPath(sandbox.AttemptDirectory(hostile)), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(sandbox.Root, "pwned", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "pwned")));
    }

    [Fact]
    public async Task Hostile_document_name_is_not_executed_in_the_PowerShell_explanation()
    {
        var worker = await sandbox.LaunchWorkerAsync();
        var request = RunnerSandbox.Request(worker, "doc", "true") with { Document = "PowerShell\"; touch pwned; \"$(touch pwned)`touch pwned`" };

        var (_, status) = await sandbox.RunAsync(request);

        Assert.Equal(127, status.ExitCode);
        Assert.Contains("touch pwned", sandbox.Stderr("doc"), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(sandbox.Root, "pwned", SearchOption.AllDirectories));
    }

    private static async Task<string?> EchoAsync(Process process, string line)
    {
        await process.StandardInput.WriteLineAsync(line);
        await process.StandardInput.FlushAsync();
        return await process.StandardOutput.ReadLineAsync().WaitAsync(RunnerSandbox.MaxWait);
    }
}
