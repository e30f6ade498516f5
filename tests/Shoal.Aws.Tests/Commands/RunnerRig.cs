using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Commands;
using Shoal.Aws.Errors;
using Shoal.Core.Ports;
using Shoal.Core.Tests.Fakes;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// An <see cref="SsmCommandRunner"/> over the fakes, on fake time. Calls start on a manual context, so
/// the runner only moves when the test pumps it: waits and retries happen in fake time, exactly.
/// </summary>
public sealed class RunnerRig
{
    public const string Bucket = "shoal-output";
    public const string Worker = "i-0123456789abcdef0";

    public RunnerRig(SsmCommandRunnerOptions? options = null)
    {
        Options = options ?? new SsmCommandRunnerOptions { OutputBucket = Bucket, OutputKeyPrefix = "runs" };
        Runner = new SsmCommandRunner(Ssm, Outputs, Options, Time, new AwsRetry(Time, random: new Random(1)), Log, new Random(2));
    }

    public FakeSsmApi Ssm { get; } = new();

    public FakeOutputStore Outputs { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public ManualSynchronizationContext Context { get; } = new();

    public ListLogger Log { get; } = new();

    public SsmCommandRunnerOptions Options { get; }

    public SsmCommandRunner Runner { get; }

    public static CommandRequest Request(string jobId = "job-1", params string[] commands) => new()
    {
        WorkerId = Worker,
        JobId = jobId,
        Attempt = 1,
        Document = SsmOutputKeys.ShellDocument,
        Commands = commands.Length > 0 ? commands : ["echo hello"],
    };

    /// <summary>Starts a call on the manual context and runs it until it parks.</summary>
    public Task<T> Start<T>(Func<SsmCommandRunner, Task<T>> call) => Context.Run(() => call(Runner));

    /// <summary>Moves fake time and lets the runner react.</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Context.Pump();
    }

    /// <summary>Runs a call to its end, advancing fake time by <paramref name="step"/> while it waits.</summary>
    public async Task<T> Run<T>(Func<SsmCommandRunner, Task<T>> call, TimeSpan? step = null, int maxSteps = 100_000)
    {
        var task = Start(call);
        for (var i = 0; !task.IsCompleted; i++)
        {
            Assert.True(i < maxSteps, $"the call did not finish within {maxSteps} steps of fake time");
            Advance(step ?? TimeSpan.FromSeconds(1));
        }

        return await task;
    }

    /// <summary>
    /// Pumps until <paramref name="task"/> ends, letting thread-pool work run in between, for
    /// continuations that reach the context from another thread: an event completes its signal
    /// asynchronously (as it must in production, off the event reader's thread), and
    /// CancellationTokenSource.CancelAsync runs its callbacks on the pool. Bounded: never hangs a run.
    /// </summary>
    public async Task<T> Settle<T>(Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        for (var i = 0; i < 10_000 && !task.IsCompleted; i++)
        {
            Context.Pump();
            await Task.Factory.StartNew(static () => Thread.Yield(), CancellationToken.None, TaskCreationOptions.PreferFairness, TaskScheduler.Default);
        }

        Assert.True(task.IsCompleted, "the call did not finish");
        return await task;
    }

    public Task<CommandHandle> StartCommand(CommandRequest? request = null) => Run(r => r.StartAsync(request ?? Request(), CancellationToken.None));

    public Task<CommandStatus> Poll(CommandHandle handle) => Run(r => r.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None));
}
