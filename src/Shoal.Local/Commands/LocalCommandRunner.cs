using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Shoal.Core.Ports;
using Shoal.Local.Fleet;

namespace Shoal.Local.Commands;

/// <summary>
/// Runs a job's commands on a local worker the way SSM's AWS-RunShellScript does: all commands as one
/// bash script, exit status of the script. Each attempt runs in its own process group (setsid) so a
/// timeout, a cancel or a reclaim kills everything it started; stdout and stderr go to files in full.
/// The job id and paths reach the script only through environment variables, never spliced into code.
/// </summary>
public sealed partial class LocalCommandRunner : ICommandRunner, IDisposable
{
    private const int SigKill = 9;

    private readonly ConcurrentDictionary<string, LocalCommand> commands = new();
    private readonly LocalWorkerFleet fleet;
    private readonly TimeProvider time;
    private readonly InterruptionSimulator? interruptions;
    private readonly string outputsDirectory;
    private readonly string runningDirectory;
    private int sequence;

    public LocalCommandRunner(LocalWorkerFleet fleet, TimeProvider time, InterruptionSimulator? interruptions = null)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        this.fleet = fleet;
        this.time = time;
        this.interruptions = interruptions;
        outputsDirectory = Path.Combine(fleet.Options.StateDirectory, "outputs");
        runningDirectory = Path.Combine(fleet.Options.StateDirectory, "running");
        Directory.CreateDirectory(outputsDirectory);
        Directory.CreateDirectory(runningDirectory);
        fleet.WorkerStopped += OnWorkerStopped;
    }

    /// <summary>Where an attempt's stdout and stderr are kept: outputs/&lt;job&gt;/attempt-&lt;n&gt;/.</summary>
    public static string AttemptDirectory(string stateDirectory, string jobId, int attempt) =>
        Path.Combine(stateDirectory, "outputs", SafeName.For(jobId), $"attempt-{attempt}");

    /// <summary>
    /// Kills what a previous, killed `shoal run` left running in this state directory (its process
    /// groups outlive it), and removes its worker sandboxes. Call before starting workers.
    /// </summary>
    public static int ReapOrphans(string stateDirectory)
    {
        var reaped = 0;
        var running = Path.Combine(stateDirectory, "running");
        if (Directory.Exists(running))
        {
            foreach (var file in Directory.EnumerateFiles(running, "*.pid"))
            {
                var parts = File.ReadAllText(file).Split(' ', 2);
                if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) && IsOurs(pid, parts[1].Trim()))
                {
                    _ = Kill(-pid, SigKill);
                    reaped++;
                }

                File.Delete(file);
            }
        }

        var workers = Path.Combine(stateDirectory, "workers");
        if (Directory.Exists(workers))
        {
            foreach (var directory in Directory.EnumerateDirectories(workers))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        return reaped;
    }

    public Task<CommandHandle> StartAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var worker = fleet.Find(request.WorkerId)
            ?? throw new InfrastructureException("Undeliverable", $"worker {request.WorkerId} is not known to the local fleet");
        if (worker.State != WorkerState.Running)
        {
            throw new InfrastructureException("Undeliverable", $"worker {request.WorkerId} is {worker.State}");
        }

        // A worker runs one command at a time: the previous one is done with, so drop its bookkeeping.
        if (worker.LastCommandId is { } previous && commands.TryGetValue(previous, out var done) && done.Completion.Task.IsCompleted)
        {
            commands.TryRemove(previous, out _);
            done.Dispose();
        }

        var commandId = $"{request.WorkerId}-c{Interlocked.Increment(ref sequence)}";
        worker.LastCommandId = commandId;
        var outputs = AttemptDirectory(fleet.Options.StateDirectory, request.JobId, request.Attempt);
        Directory.CreateDirectory(outputs);
        var workDirectory = WorkDirectory(worker, request);
        Directory.CreateDirectory(workDirectory);
        var script = Path.Combine(outputs, "script.sh");
        File.WriteAllText(script, Script(request));

        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "bash", "--noprofile", "--norc", script })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in request.Env)
        {
            start.Environment[name] = value;
        }

        start.Environment["SHOAL_JOB_ID"] = request.JobId;
        start.Environment["SHOAL_ATTEMPT"] = request.Attempt.ToString(CultureInfo.InvariantCulture);
        start.Environment["SHOAL_WORKER_ID"] = request.WorkerId;
        start.Environment["SHOAL_COMMAND_ID"] = commandId;
        start.Environment["SHOAL_STDOUT"] = Path.Combine(outputs, "stdout");
        start.Environment["SHOAL_STDERR"] = Path.Combine(outputs, "stderr");

        var process = Process.Start(start) ?? throw new InfrastructureException("Undeliverable", "bash could not be started");
        process.StandardInput.Close();
        var command = new LocalCommand(commandId, request.WorkerId, process, outputs);
        commands[commandId] = command;
        worker.ProcessGroups[process.Id] = commandId;
        File.WriteAllText(PidFile(commandId), $"{process.Id} {commandId}");

        if (request.Timeout is { } timeout)
        {
            command.Timers.Add(time.CreateTimer(_ => KillFor(command, KillReason.Timeout), null, timeout, Timeout.InfiniteTimeSpan));
        }

        if (interruptions?.Next() is { } reclaimAfter)
        {
            command.ReclaimPlanned = true;
            command.Timers.Add(time.CreateTimer(_ => Reclaim(command), null, reclaimAfter, Timeout.InfiniteTimeSpan));
        }

        _ = ObserveExitAsync(command);
        return Task.FromResult(new CommandHandle(request.WorkerId, commandId));
    }

    public async Task<CommandStatus> WaitAsync(CommandHandle handle, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!commands.TryGetValue(handle.CommandId, out var command))
        {
            return new CommandStatus(CommandState.WorkerLost, Detail: $"command {handle.CommandId} is not known to this process");
        }

        if (!command.Completion.Task.IsCompleted && maxWait > TimeSpan.Zero)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(command.Completion.Task, Task.Delay(maxWait, time, wait.Token));
            await wait.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }

        return command.Completion.Task.IsCompleted ? await command.Completion.Task : new CommandStatus(CommandState.Running);
    }

    public Task<TextReader> OpenOutputAsync(CommandHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!commands.TryGetValue(handle.CommandId, out var command))
        {
            throw new InvalidOperationException($"command {handle.CommandId} is not known to this process");
        }

        TextReader reader = new StreamReader(Path.Combine(command.OutputDirectory, "stdout"), Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        return Task.FromResult(reader);
    }

    public Task CancelAsync(CommandHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (commands.TryGetValue(handle.CommandId, out var command))
        {
            KillFor(command, KillReason.Cancel);
        }

        return Task.CompletedTask;
    }

    /// <summary>Drops the bookkeeping of a finished command; its output files stay.</summary>
    public void Forget(CommandHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (commands.TryRemove(handle.CommandId, out var command))
        {
            command.Dispose();
        }
    }

    public void Dispose()
    {
        fleet.WorkerStopped -= OnWorkerStopped;
        foreach (var command in commands.Values)
        {
            KillFor(command, KillReason.WorkerStopped);
            command.Dispose();
        }
    }

    private async Task ObserveExitAsync(LocalCommand command)
    {
        await command.Process.WaitForExitAsync();
        foreach (var timer in command.Timers)
        {
            await timer.DisposeAsync();
        }

        // A reclaim planned for this attempt that the job outran still lands first: the instance went
        // away before the result was reported. That keeps "interrupted with probability p" exact.
        if (command.ReclaimPlanned && command.Reason is null)
        {
            Reclaim(command);
        }

        var state = command.Reason switch
        {
            KillReason.Timeout => CommandState.TimedOut,
            KillReason.Cancel => CommandState.Cancelled,
            KillReason.Reclaim => CommandState.Interrupted,
            KillReason.WorkerStopped => CommandState.WorkerLost,
            _ => CommandState.Completed,
        };
        var detail = command.Reason switch
        {
            KillReason.Timeout => "killed at its timeout_seconds",
            KillReason.Reclaim => "simulated spot interruption: the worker was reclaimed",
            KillReason.WorkerStopped => "the worker was terminated",
            _ => null,
        };
        var status = new CommandStatus(state, command.Process.ExitCode, ReadTail(Path.Combine(command.OutputDirectory, "stdout"), fleet.Options.OutputTailChars), detail);
        TryDelete(PidFile(command.Id));
        command.Completion.TrySetResult(status);
    }

    private void Reclaim(LocalCommand command)
    {
        if (command.TrySetReason(KillReason.Reclaim))
        {
            fleet.Reclaim(command.WorkerId);
            KillGroup(command);
        }
    }

    private void OnWorkerStopped(string workerId)
    {
        // Raised before the worker's directory is deleted: whatever reason a command already has (a
        // reclaim sets its own first), it must be dead before its sandbox goes.
        foreach (var command in commands.Values.Where(c => c.WorkerId == workerId))
        {
            _ = command.TrySetReason(KillReason.WorkerStopped);
            KillGroup(command);
        }

        // A job that ended may have left background processes in its group (`server &`): an instance
        // going away takes them along, and so does a local worker.
        if (fleet.Find(workerId) is { } worker)
        {
            foreach (var (group, commandId) in worker.ProcessGroups)
            {
                // A leader that still exists must be ours (its pid may have been reused since); a
                // leader that is gone keeps its id reserved while its group has members, so the
                // group can only be the one our command made.
                if (!Directory.Exists($"/proc/{group}") || IsOurs(group, commandId))
                {
                    _ = Kill(-group, SigKill);
                }
            }

            worker.ProcessGroups.Clear();
        }
    }

    private static void KillFor(LocalCommand command, KillReason reason)
    {
        if (command.TrySetReason(reason))
        {
            KillGroup(command);
        }
    }

    private static void KillGroup(LocalCommand command)
    {
        try
        {
            if (!command.Process.HasExited && Kill(-command.Process.Id, SigKill) != 0)
            {
                command.Process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string Script(CommandRequest request)
    {
        var body = new StringBuilder();
        body.Append("exec >\"$SHOAL_STDOUT\" 2>\"$SHOAL_STDERR\"\n");
        if (request.Document.Contains("PowerShell", StringComparison.OrdinalIgnoreCase))
        {
            // Local workers are Linux shells; say so in the job's own stderr instead of pretending.
            body.Append(CultureInfo.InvariantCulture, $"echo \"shoal: local workers run bash; document {Quote(request.Document)} needs Windows\" >&2\nexit 127\n");
            return body.ToString();
        }

        foreach (var line in request.Commands)
        {
            body.Append(line).Append('\n');
        }

        return body.ToString();
    }

    private static string Quote(string text) => text.Replace("\"", string.Empty, StringComparison.Ordinal).Replace("$", string.Empty, StringComparison.Ordinal).Replace("`", string.Empty, StringComparison.Ordinal);

    private static string WorkDirectory(LocalWorker worker, CommandRequest request)
    {
        if (request.WorkingDirectory is { } requested)
        {
            return Path.IsPathRooted(requested) ? requested : Path.GetFullPath(Path.Combine(worker.Directory, requested));
        }

        // A fresh directory per job: nothing one job leaves behind leaks into the next (a seed bug).
        return Path.Combine(worker.Directory, "jobs", Interlocked.Increment(ref worker.JobSequence).ToString(CultureInfo.InvariantCulture));
    }

    private string PidFile(string commandId) => Path.Combine(runningDirectory, commandId + ".pid");

    private static string? ReadTail(string path, int chars)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = File.OpenRead(path);
        var bytes = Math.Min(stream.Length, chars * 4L);
        stream.Seek(-bytes, SeekOrigin.End);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        return text.Length > chars ? text[^chars..] : text;
    }

    private static bool IsOurs(int pid, string commandId)
    {
        try
        {
            var environ = File.ReadAllText($"/proc/{pid}/environ");
            return environ.Contains($"SHOAL_COMMAND_ID={commandId}\0", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
