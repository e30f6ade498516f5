using Shoal.Core.Ports;

namespace Shoal.Core.Tests.Fakes;

/// <summary>
/// A runner that plays a <see cref="RunScript"/> per job and attempt on the fake clock. It records every
/// call and every breach of "one running copy": a start of a job while an earlier start of the same job
/// has not ended, or a start on a worker that is still running another command.
/// </summary>
public sealed class FakeCommandRunner(TimeProvider time, FakeEventLog? log = null) : ICommandRunner
{
    private readonly object gate = new();
    private readonly Dictionary<(string JobId, int Attempt), RunScript> byAttempt = [];
    private readonly Dictionary<string, RunScript> byJob = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Command> commands = new(StringComparer.Ordinal);
    private readonly List<StartedCommand> starts = [];
    private readonly List<CancelledCommand> cancels = [];
    private readonly List<string> violations = [];
    private readonly List<string> outputsOpened = [];
    private int nextId;
    private int polls;

    public FakeEventLog Log { get; } = log ?? new FakeEventLog();

    /// <summary>Used for jobs and attempts that have no script of their own.</summary>
    public RunScript Default { get; set; } = RunScript.Succeeds();

    /// <summary>When set, decides every attempt that has no explicit script (randomized tests).</summary>
    public Func<CommandRequest, RunScript>? Scripter { get; set; }

    public IReadOnlyList<StartedCommand> Starts => Snapshot(starts);

    public IReadOnlyList<CancelledCommand> Cancels => Snapshot(cancels);

    public IReadOnlyList<string> Violations => Snapshot(violations);

    /// <summary>Command ids whose full output was read.</summary>
    public IReadOnlyList<string> OutputsOpened => Snapshot(outputsOpened);

    public int Polls
    {
        get
        {
            lock (gate)
            {
                return polls;
            }
        }
    }

    public void Script(string jobId, int attempt, RunScript script)
    {
        lock (gate)
        {
            byAttempt[(jobId, attempt)] = script;
        }
    }

    public void Script(string jobId, RunScript script)
    {
        lock (gate)
        {
            byJob[jobId] = script;
        }
    }

    public IReadOnlyList<StartedCommand> StartsOf(string jobId) => Starts.Where(s => s.Request.JobId == jobId).ToList();

    public Task<CommandHandle> StartAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        Command command;
        lock (gate)
        {
            var script = byAttempt.GetValueOrDefault((request.JobId, request.Attempt))
                ?? byJob.GetValueOrDefault(request.JobId)
                ?? Scripter?.Invoke(request)
                ?? Default;
            Log.Record(time.GetUtcNow(), "runner", $"start {request.JobId}#{request.Attempt}");
            if (script.StartError is { } error)
            {
                throw error;
            }

            foreach (var other in commands.Values.Where(c => !c.Status.IsTerminal))
            {
                if (other.Request.JobId == request.JobId)
                {
                    violations.Add($"{time.GetUtcNow():HH:mm:ss} {request.JobId} attempt {request.Attempt} started on {request.WorkerId} while attempt {other.Request.Attempt} still runs on {other.Request.WorkerId}");
                }

                if (other.Request.WorkerId == request.WorkerId)
                {
                    violations.Add($"{time.GetUtcNow():HH:mm:ss} {request.WorkerId} started {request.JobId} while still running {other.Request.JobId}");
                }
            }

            var handle = new CommandHandle(request.WorkerId, $"cmd-{++nextId}");
            command = new Command(request, handle, script, time.GetUtcNow());
            commands[handle.CommandId] = command;
            starts.Add(new StartedCommand(request, handle, command.StartedAt));
        }

        if (command.Script.Duration is { } duration)
        {
            if (duration <= TimeSpan.Zero)
            {
                Finish(command, command.Script.Result);
            }
            else
            {
                command.Timer = time.CreateTimer(_ => Finish(command, command.Script.Result), null, duration, Timeout.InfiniteTimeSpan);
            }
        }

        return Task.FromResult(command.Handle);
    }

    public async Task<CommandStatus> WaitAsync(CommandHandle handle, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource signal;
        Command command;
        lock (gate)
        {
            polls++;
            command = commands[handle.CommandId];
            if (time.GetUtcNow() < command.StartedAt + command.Script.PollErrorsFor)
            {
                throw new InvalidOperationException("agent API unreachable (scripted)");
            }

            if (command.Status.IsTerminal || maxWait <= TimeSpan.Zero)
            {
                return command.Status;
            }

            signal = new TaskCompletionSource();
            command.Waiters.Add(signal);
        }

        using (time.CreateTimer(static s => ((TaskCompletionSource)s!).TrySetResult(), signal, maxWait, Timeout.InfiniteTimeSpan))
        using (cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), signal))
        {
            try
            {
                await signal.Task;
            }
            finally
            {
                lock (gate)
                {
                    command.Waiters.Remove(signal);
                }
            }
        }

        lock (gate)
        {
            return command.Status;
        }
    }

    public Task<TextReader> OpenOutputAsync(CommandHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        lock (gate)
        {
            outputsOpened.Add(handle.CommandId);
            return Task.FromResult<TextReader>(new StringReader(commands[handle.CommandId].Script.Output));
        }
    }

    public Task CancelAsync(CommandHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Command command;
        lock (gate)
        {
            command = commands[handle.CommandId];
            cancels.Add(new CancelledCommand(command.Request.JobId, command.Request.Attempt, handle, time.GetUtcNow()));
        }

        Log.Record(time.GetUtcNow(), "runner", $"cancel {command.Request.JobId}#{command.Request.Attempt}");
        Finish(command, new CommandStatus(CommandState.Cancelled, Detail: "cancelled on request"));
        return Task.CompletedTask;
    }

    private void Finish(Command command, CommandStatus status)
    {
        List<TaskCompletionSource> toWake;
        lock (gate)
        {
            if (command.Status.IsTerminal)
            {
                return;
            }

            command.Status = status;
            command.Timer?.Dispose();
            toWake = [.. command.Waiters];
        }

        Log.Record(time.GetUtcNow(), "runner", $"end {command.Request.JobId}#{command.Request.Attempt} {status.State}");

        // Outside the lock: the woken loop may continue on this thread.
        foreach (var waiter in toWake)
        {
            waiter.TrySetResult();
        }
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (gate)
        {
            return [.. list];
        }
    }

    private sealed class Command(CommandRequest request, CommandHandle handle, RunScript script, DateTimeOffset startedAt)
    {
        public CommandRequest Request { get; } = request;

        public CommandHandle Handle { get; } = handle;

        public RunScript Script { get; } = script;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public CommandStatus Status { get; set; } = new(CommandState.Running);

        public List<TaskCompletionSource> Waiters { get; } = [];

        public ITimer? Timer { get; set; }
    }
}
