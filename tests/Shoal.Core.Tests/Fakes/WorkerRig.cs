using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Shoal.Core.Scaling;
using Shoal.Core.Workers;

namespace Shoal.Core.Tests.Fakes;

/// <summary>The fakes of one test wired to one clock and one event log, plus job-message helpers.</summary>
public sealed class WorkerRig
{
    public const string QueueName = "jobs";

    private WorkerRig()
    {
        Queue = new FakeJobQueue(Time, QueueName, Log);
        Ledger = new FakeJobLedger(Time, Log);
        Runner = new FakeCommandRunner(Time, Log);
        Fleet = new FakeWorkerFleet(Time, Log);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero));

    public FakeEventLog Log { get; } = new();

    public FakeJobQueue Queue { get; }

    public FakeJobLedger Ledger { get; }

    public FakeCommandRunner Runner { get; }

    public FakeWorkerFleet Fleet { get; }

    public FakeRetirementGate Gate { get; } = new();

    public RecordingObserver Observer { get; } = new();

    public WorkerLoopPorts Ports => new(Queue, Ledger, Runner, Fleet);

    public QueueSettings QueueSettings { get; set; } = new() { Name = QueueName };

    // Long idle timeout by default so a worker does not retire in the middle of a test about something else.
    public PoolSettings Pool { get; set; } = new() { Name = "pool", IdleTimeout = TimeSpan.FromHours(1) };

    public WorkerLoopOptions Options { get; set; } = new();

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Where every continuation of the loops started by <see cref="Start"/> runs, when pumped.</summary>
    public ManualSynchronizationContext Context { get; } = new();

    public static WorkerRig Create() => new();

    public static string Body(string jobId, int retry = 0, string? success = null, int? timeoutSeconds = null, int[]? exitCodes = null)
    {
        var job = new JsonObject
        {
            ["job_id"] = jobId,
            ["retry"] = retry.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["job_success_string"] = success ?? "",
            ["ssm_document"] = "AWS-RunShellScript",
            ["commands"] = new JsonArray("echo hello"),
        };
        if (timeoutSeconds is { } timeout)
        {
            job["timeout_seconds"] = timeout;
        }

        if (exitCodes is not null)
        {
            job["success_exit_codes"] = new JsonArray([.. exitCodes.Select(c => (JsonNode)c)]);
        }

        return job.ToJsonString();
    }

    /// <summary>A loop for a worker whose agent is ready at once.</summary>
    public WorkerLoop NewLoop(string workerId = "w1") => NewLoop(workerId, TimeSpan.Zero);

    /// <summary>A loop for a worker the fleet knows, ready after <paramref name="readyAfter"/> (never when null).</summary>
    public WorkerLoop NewLoop(string workerId, TimeSpan? readyAfter)
    {
        Fleet.Add(workerId, readyAfter);
        return new WorkerLoop(workerId, Ports, QueueSettings, Pool, Options, Time, Gate, Observer);
    }

    /// <summary>A second loop for a worker the fleet already knows: what a restarted host builds.</summary>
    public WorkerLoop ReattachLoop(string workerId = "w1") => new(workerId, Ports, QueueSettings, Pool, Options, Time, Gate, Observer);

    /// <summary>Starts the loop on the rig's context and runs it until it parks.</summary>
    public Task<WorkerExit> Start(WorkerLoop loop, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loop);
        return Context.Run(() => loop.RunAsync(cancellationToken));
    }

    /// <summary>Lets the loops react to whatever the test just did (a message sent, a drain, a cancel).</summary>
    public void Pump() => Context.Pump();

    public string Submit(string body)
    {
        var id = Queue.Enqueue(body);
        Pump();
        return id;
    }

    /// <summary>Stops the host and returns how each loop ended.</summary>
    public async Task<WorkerExit[]> Stop(CancellationTokenSource host, params Task<WorkerExit>[] runs)
    {
        ArgumentNullException.ThrowIfNull(host);
        host.Cancel();
        Pump();
        Assert.All(runs, r => Assert.True(r.IsCompleted, "a loop did not return when the host stopped"));
        return await Task.WhenAll(runs);
    }

    public Task Until(Func<bool> condition, string what, TimeSpan? step = null, int maxSteps = 2000) =>
        Time.AdvanceUntil(condition, step ?? TimeSpan.FromSeconds(1), maxSteps, what, Pump);

    public Task Advance(TimeSpan total, TimeSpan? step = null) => Time.AdvanceBy(total, step ?? TimeSpan.FromSeconds(1), Pump);
}
