using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Scaling;
using Shoal.Core.Tests.Fakes;
using Shoal.Core.Workers;

namespace Shoal.Core.Tests.Scaling;

/// <summary>
/// The pool runner supervises its worker loops on the thread pool (Task.Run), so these tests cannot pump
/// one context as the WorkerLoop tests do: they advance fake time in bounded steps and yield the pool
/// between steps. Leases are long compared to the jobs so that a loop lagging behind the clock cannot
/// change an outcome; assertions are about results, not exact times.
/// </summary>
public sealed class PoolRunnerTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    private static PoolRunner NewPool(WorkerRig rig) =>
        new(rig.Ports, rig.QueueSettings, rig.Pool, rig.Options, new PoolRunnerOptions { ScaleInterval = Step }, rig.Time, rig.Observer);

    private static WorkerRig NewRig(int maxWorkers, int minWorkers = 0, TimeSpan? idle = null)
    {
        var rig = WorkerRig.Create();
        rig.Pool = new PoolSettings { Name = "pool", MinWorkers = minWorkers, MaxWorkers = maxWorkers, IdleTimeout = idle ?? TimeSpan.FromSeconds(30) };
        rig.QueueSettings = rig.QueueSettings with { LeaseDuration = TimeSpan.FromMinutes(30) };
        return rig;
    }

    // Started off the test's thread and context, through the pool's global queue (see Drive.Settle).
    private static Task Run(PoolRunner pool, bool untilDrained, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => pool.RunAsync(untilDrained, cancellationToken), CancellationToken.None, TaskCreationOptions.PreferFairness, TaskScheduler.Default).Unwrap();

    [Fact]
    public async Task Backlog_gets_max_workers_and_the_run_ends_once_every_worker_retired()
    {
        var rig = NewRig(maxWorkers: 4);
        for (var i = 0; i < 20; i++)
        {
            rig.Queue.Enqueue(WorkerRig.Body($"job-{i}"));
        }

        rig.Runner.Default = RunScript.Succeeds(TimeSpan.FromSeconds(30));
        var pool = NewPool(rig);

        var run = Run(pool, untilDrained: true, CancellationToken.None);
        await rig.Time.AdvanceUntil(() => run.IsCompleted, Step, 5000, "the pool to drain");
        await run;

        var first = rig.Fleet.Launches[0];
        Assert.Equal(new LaunchRequest("pool", WorkerRig.QueueName, 4, "pool-1"), first);
        Assert.Equal(4, rig.Fleet.Launched);
        Assert.Equal(4, rig.Fleet.MaxAlive);
        Assert.Equal(0, rig.Fleet.Alive);
        Assert.Equal(4, pool.WorkersLaunched);
        Assert.Equal(4, pool.WorkersTerminated);
        Assert.Empty(pool.Workers);
        Assert.All(rig.Fleet.Terminations, t => Assert.Contains(t.Reason, new[] { "Idle", "QueueDrained" }));
        Assert.Equal(4, rig.Runner.Starts.Select(s => s.Request.WorkerId).Distinct().Count());
        Assert.Equal(0, rig.Queue.Count);
        for (var i = 0; i < 20; i++)
        {
            var record = rig.Ledger[$"job-{i}"]!;
            Assert.Equal(JobStatus.Succeeded, record.Status);
            Assert.Equal(1, record.Attempts);
        }

        Assert.Empty(rig.Runner.Violations);
    }

    [Fact]
    public async Task Run_until_drained_retires_idle_workers_as_soon_as_nothing_is_left_instead_of_waiting_out_the_idle_timeout()
    {
        var rig = NewRig(maxWorkers: 2, idle: TimeSpan.FromHours(1));
        rig.Queue.Enqueue(WorkerRig.Body("a"));
        rig.Queue.Enqueue(WorkerRig.Body("b"));
        rig.Runner.Default = RunScript.Succeeds(TimeSpan.FromSeconds(30));
        var start = rig.Time.GetUtcNow();
        var pool = NewPool(rig);

        var run = Run(pool, untilDrained: true, CancellationToken.None);
        await rig.Time.AdvanceUntil(() => run.IsCompleted, Step, 5000, "the pool to drain");
        await run;

        Assert.Equal(2, rig.Fleet.Terminations.Count);
        Assert.All(rig.Fleet.Terminations, t =>
        {
            Assert.Equal("QueueDrained", t.Reason);
            Assert.True(t.At - start < TimeSpan.FromMinutes(5), $"retired at {t.At - start} after start: it waited for the idle timeout");
        });
    }

    [Fact]
    public async Task Run_until_drained_ends_even_with_a_minimum_and_does_not_relaunch_it()
    {
        var rig = NewRig(maxWorkers: 2, minWorkers: 1);
        rig.Queue.Enqueue(WorkerRig.Body("a"));
        rig.Runner.Default = RunScript.Succeeds(TimeSpan.FromSeconds(5));
        var pool = NewPool(rig);

        var run = Run(pool, untilDrained: true, CancellationToken.None);
        await rig.Time.AdvanceUntil(() => run.IsCompleted, Step, 5000, "the pool to drain");
        await run;

        Assert.Equal(rig.Fleet.Launched, rig.Fleet.Terminations.Count);
        Assert.Equal(1, rig.Fleet.Launched);
    }

    [Fact]
    public async Task A_long_running_pool_keeps_idle_workers_until_their_idle_timeout()
    {
        var rig = NewRig(maxWorkers: 1, idle: TimeSpan.FromMinutes(10));
        rig.Queue.Enqueue(WorkerRig.Body("a"));
        rig.Runner.Default = RunScript.Succeeds(TimeSpan.FromSeconds(30));
        var start = rig.Time.GetUtcNow();
        using var stop = new CancellationTokenSource();
        var pool = NewPool(rig);

        var run = Run(pool, untilDrained: false, stop.Token);
        await rig.Time.AdvanceUntil(() => rig.Fleet.Terminations.Count == 1, Step, 5000, "the idle worker to retire");
        await stop.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);

        var retired = Assert.Single(rig.Fleet.Terminations);
        Assert.Equal("Idle", retired.Reason);
        Assert.True(retired.At - start >= TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Signals_reach_only_known_workers_and_an_interrupted_job_runs_again_on_a_replacement()
    {
        var rig = NewRig(maxWorkers: 1);
        rig.Queue.Enqueue(WorkerRig.Body("long"));
        rig.Runner.Default = RunScript.Succeeds(TimeSpan.FromMinutes(5));
        var pool = NewPool(rig);

        var run = Run(pool, untilDrained: true, CancellationToken.None);
        await rig.Time.AdvanceUntil(() => rig.Runner.Starts.Count == 1, Step, 500, "the job to start");
        var first = rig.Runner.Starts[0].Request.WorkerId;

        Assert.False(pool.Interrupt("i-not-ours", "SpotInterruption"));
        Assert.False(pool.Drain("i-not-ours", "RebalanceRecommendation"));
        Assert.True(pool.Interrupt(first, "SpotInterruption"));
        await rig.Time.AdvanceUntil(() => run.IsCompleted, Step, 5000, "the pool to drain");
        await run;

        var record = rig.Ledger["long"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.Equal(2, record.Attempts);
        Assert.Equal(1, record.Interruptions);
        Assert.Equal(0, record.Failures);
        Assert.NotEqual(first, record.Worker);
        Assert.Equal(2, rig.Fleet.Launched);
    }

    [Fact]
    public async Task A_job_in_flight_on_someone_elses_worker_launches_nothing_until_it_comes_back()
    {
        var rig = NewRig(maxWorkers: 4, idle: TimeSpan.FromSeconds(30));
        rig.Queue.Enqueue(WorkerRig.Body("elsewhere"));
        // Another host (or a dead one whose lease has not run out) holds the message for 10 minutes.
        Assert.Single(await rig.Queue.ReceiveAsync(1, TimeSpan.FromMinutes(10), TimeSpan.Zero, CancellationToken.None));
        rig.Runner.Default = RunScript.Succeeds(TimeSpan.FromSeconds(5));
        var pool = NewPool(rig);

        var run = Run(pool, untilDrained: true, CancellationToken.None);
        await rig.Time.AdvanceBy(TimeSpan.FromMinutes(9), Step);

        Assert.Equal(0, rig.Fleet.Launched);
        Assert.False(run.IsCompleted);

        await rig.Time.AdvanceUntil(() => run.IsCompleted, Step, 5000, "the message to come back and run");
        await run;
        Assert.Equal(1, rig.Fleet.Launched);
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["elsewhere"]!.Status);
    }

    [Fact]
    public async Task An_adopted_worker_counts_as_supply_runs_jobs_and_is_terminated_when_drained()
    {
        var rig = NewRig(maxWorkers: 1);
        rig.Queue.Enqueue(WorkerRig.Body("a"));
        rig.Queue.Enqueue(WorkerRig.Body("b"));
        rig.Runner.Default = RunScript.Succeeds(TimeSpan.FromSeconds(5));
        var pool = NewPool(rig);
        var theirs = rig.Fleet.LaunchedElsewhere("i-theirs");

        Assert.True(pool.Adopt(theirs, CancellationToken.None));
        Assert.False(pool.Adopt(theirs, CancellationToken.None));
        var run = Run(pool, untilDrained: true, CancellationToken.None);
        await rig.Time.AdvanceUntil(() => run.IsCompleted, Step, 5000, "the pool to drain");
        await run;

        Assert.Empty(rig.Fleet.Launches); // the adopted worker was supply enough
        Assert.Equal(0, pool.WorkersLaunched);
        Assert.Equal(1, pool.WorkersAdopted);
        Assert.Equal("i-theirs", rig.Ledger["a"]!.Worker);
        Assert.Equal("i-theirs", rig.Ledger["b"]!.Worker);
        Assert.Equal("i-theirs", Assert.Single(rig.Fleet.Terminations).WorkerId);
    }

    [Fact]
    public async Task Partial_capacity_is_topped_up_on_later_ticks()
    {
        var rig = NewRig(maxWorkers: 5);
        rig.Fleet.Capacity = 2;
        for (var i = 0; i < 10; i++)
        {
            rig.Queue.Enqueue(WorkerRig.Body($"job-{i}"));
        }

        rig.Runner.Default = RunScript.Succeeds(TimeSpan.FromMinutes(2));
        using var host = new CancellationTokenSource();
        var pool = NewPool(rig);

        var run = Run(pool, untilDrained: false, host.Token);
        await rig.Time.AdvanceUntil(() => rig.Fleet.Alive == 5, Step, 100, "five workers");

        Assert.Equal([5, 3, 1], rig.Fleet.Launches.Take(3).Select(l => l.Count));
        Assert.Equal(3, rig.Fleet.Launches.Select(l => l.ClientToken).Distinct().Count());
        await host.CancelAsync();
        await rig.Time.AdvanceUntil(() => run.IsCompleted, Step, 100, "the pool to stop");
        Assert.True(run.IsCanceled);
        Assert.Empty(rig.Fleet.Terminations);
    }

    [Fact]
    public async Task Worker_lost_to_an_interruption_is_replaced_while_jobs_remain()
    {
        var rig = NewRig(maxWorkers: 1);
        rig.Queue.Enqueue(WorkerRig.Body("j1"));
        rig.Queue.Enqueue(WorkerRig.Body("j2"));
        rig.Runner.Script("j1", 1, RunScript.Ends(CommandState.Interrupted, TimeSpan.FromSeconds(10), "spot reclaim"));
        rig.Runner.Default = RunScript.Succeeds(TimeSpan.FromSeconds(5));
        var pool = NewPool(rig);

        var run = Run(pool, untilDrained: true, CancellationToken.None);
        await rig.Time.AdvanceUntil(() => run.IsCompleted, Step, 2000, "the pool to drain");
        await run;

        Assert.Equal(2, rig.Fleet.Launched);
        Assert.Equal(1, rig.Fleet.MaxAlive);
        Assert.Equal(["Reclaimed", "QueueDrained"], rig.Fleet.Terminations.Select(t => t.Reason));
        var j1 = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Succeeded, j1.Status);
        Assert.Equal((2, 1, 0), (j1.Attempts, j1.Interruptions, j1.Failures));
        Assert.Equal(rig.Fleet.Terminations[1].WorkerId, j1.Worker);
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["j2"]!.Status);
    }

    [Fact]
    public async Task Min_workers_are_kept_alive_when_idle()
    {
        var rig = NewRig(maxWorkers: 3, minWorkers: 1, idle: TimeSpan.FromSeconds(20));
        for (var i = 0; i < 3; i++)
        {
            rig.Queue.Enqueue(WorkerRig.Body($"job-{i}"));
        }

        rig.Runner.Default = RunScript.Succeeds(TimeSpan.FromSeconds(10));
        using var host = new CancellationTokenSource();
        var pool = NewPool(rig);

        var run = Run(pool, untilDrained: false, host.Token);
        await rig.Time.AdvanceUntil(() => rig.Fleet.Terminations.Count == 2, Step, 500, "two idle workers to retire");
        await rig.Time.AdvanceBy(TimeSpan.FromMinutes(10), Step);

        Assert.False(run.IsCompleted, "a long-running pool with a minimum never drains to zero");
        Assert.Equal(3, rig.Fleet.Launched);
        Assert.Equal(1, rig.Fleet.Alive);
        Assert.Equal(2, rig.Fleet.Terminations.Count);
        var kept = Assert.Single(pool.Workers);
        Assert.Equal(WorkerPhase.Idle, kept.Phase);
        Assert.False(pool.TryRetire(kept.WorkerId));
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(JobStatus.Succeeded, rig.Ledger[$"job-{i}"]!.Status));

        await host.CancelAsync();
        await rig.Time.AdvanceUntil(() => run.IsCompleted, Step, 100, "the pool to stop");
        Assert.True(run.IsCanceled);
        Assert.Equal(1, rig.Fleet.Alive);
        Assert.Equal(2, pool.WorkersTerminated);
    }

    [Fact]
    public async Task Randomized_jobs_each_end_exactly_once_with_consistent_counts()
    {
        const int Jobs = 200;
        const int Seed = 20250601;
        var rig = NewRig(maxWorkers: 8, idle: TimeSpan.FromSeconds(20));
        var random = new Random(Seed);
        var retries = new int[Jobs];
        for (var i = 0; i < Jobs; i++)
        {
            retries[i] = random.Next(0, 4);
            rig.Queue.Enqueue(WorkerRig.Body($"job-{i}", retry: retries[i]));
        }

        // Each attempt's outcome depends only on (seed, job, attempt), whichever worker runs it and when.
        rig.Runner.Scripter = request => ScriptFor(Seed, Index(request.JobId), request.Attempt);
        var pool = NewPool(rig);

        var run = Run(pool, untilDrained: true, CancellationToken.None);
        await rig.Time.AdvanceUntil(() => run.IsCompleted, Step, 20_000, "200 random jobs to drain");
        await run;

        Assert.Empty(rig.Runner.Violations);
        var maxInterruptions = rig.QueueSettings.MaxInterruptions;
        long attempts = 0, interruptions = 0, succeeded = 0;
        var published = rig.Queue.Finished.Concat(rig.Queue.DeadLetters)
            .Select(json => (string)System.Text.Json.Nodes.JsonNode.Parse(json)!["job_id"]!)
            .ToList();
        for (var i = 0; i < Jobs; i++)
        {
            var id = $"job-{i}";
            var record = rig.Ledger[id]!;
            Assert.True(record.IsTerminal, $"{id} is {record.Status}");
            Assert.Equal(1, rig.Ledger.TerminalWritesOf(id));
            var success = record.Status == JobStatus.Succeeded ? 1 : 0;
            Assert.Equal(record.Attempts, record.Failures + record.Interruptions + success);
            Assert.Equal(record.Attempts, rig.Runner.StartsOf(id).Count);
            Assert.Equal(Enumerable.Range(1, record.Attempts), rig.Runner.StartsOf(id).Select(s => s.Request.Attempt));
            Assert.Equal(Expected(Seed, i, retries[i], maxInterruptions), (record.Status, record.Attempts, record.Failures, record.Interruptions));
            Assert.Equal(1, published.Count(p => p == id));
            attempts += record.Attempts;
            interruptions += record.Interruptions;
            succeeded += success;
        }

        Assert.InRange(succeeded, 1, Jobs - 1);
        Assert.InRange(interruptions, 1, long.MaxValue);
        var counts = await rig.Ledger.GetCountsAsync(WorkerRig.QueueName, CancellationToken.None);
        Assert.Equal(
            new JobCounts { Jobs = Jobs, Succeeded = succeeded, Failed = Jobs - succeeded, Attempts = attempts, Interruptions = interruptions },
            counts);
        Assert.Equal(0, rig.Queue.Count);
        Assert.Equal(0, rig.Fleet.Alive);
        Assert.Equal(pool.WorkersLaunched, pool.WorkersTerminated);
        Assert.Equal(interruptions, rig.Fleet.Terminations.Count(t => t.Reason == "Reclaimed"));
        Assert.InRange(rig.Fleet.Launched, 8 + 1, int.MaxValue);
    }

    private static int Index(string jobId) => int.Parse(jobId["job-".Length..], System.Globalization.CultureInfo.InvariantCulture);

    private static RunScript ScriptFor(int seed, int job, int attempt)
    {
        var random = new Random(HashCode.Combine(seed, job, attempt));
        var duration = TimeSpan.FromSeconds(random.Next(1, 21));
        return random.Next(100) switch
        {
            < 60 => RunScript.Succeeds(duration),
            < 85 => RunScript.Exits(1, duration),
            _ => RunScript.Ends(CommandState.Interrupted, duration, "simulated reclaim"),
        };
    }

    /// <summary>What the rules say the job must end as, replaying its scripted attempts.</summary>
    private static (JobStatus, int, int, int) Expected(int seed, int job, int retry, int maxInterruptions)
    {
        int attempts = 0, failures = 0, interrupted = 0;
        while (true)
        {
            var result = ScriptFor(seed, job, ++attempts).Result;
            if (result.State == CommandState.Interrupted)
            {
                if (++interrupted > maxInterruptions)
                {
                    return (JobStatus.Failed, attempts, failures, interrupted);
                }
            }
            else if (result.ExitCode == 0)
            {
                return (JobStatus.Succeeded, attempts, failures, interrupted);
            }
            else if (++failures == retry + 1)
            {
                return (JobStatus.Failed, attempts, failures, interrupted);
            }
        }
    }
}
