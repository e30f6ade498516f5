using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Workers;
using Shoal.Local.Commands;
using Shoal.Local.Fleet;
using Shoal.Local.Ledger;
using Shoal.Local.Queue;

namespace Shoal.Bench;

/// <summary>
/// Where the engine's time goes, measured piece by piece: each port call alone with one caller (no
/// contention), the ledger's throughput as concurrent callers grow, and the idle gap as the number of
/// workers grows. No targets: these numbers explain the other scenarios' results.
/// </summary>
internal sealed class DiagnoseScenario : IScenario
{
    private const int LedgerJobs = 1000;
    private const int Spawns = 300;
    private const int FileSystemRounds = 500;
    private const int SweepJobs = 400;
    private static readonly int[] Callers = [1, 8, 32];
    private static readonly int[] SweepWorkers = [1, 2, 4, 8, 16];
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public string Name => "diagnose";

    public string Summary => "uncontended port-call costs, ledger throughput against concurrent callers, idle gap against worker count";

    public async Task<JsonObject> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        Console.WriteLine("  one caller, no contention (each call timed on its own):");
        result["stateFileSystem"] = context.States.FileSystem;
        result["fileSystemAlone"] = FileSystemAlone(context.States, context.Scaled(FileSystemRounds));
        result["ledgerAlone"] = await LedgerAloneAsync(context.States, context.Scaled(LedgerJobs), cancellationToken);
        result["queueAlone"] = await QueueAloneAsync(context.States, context.Scaled(LedgerJobs), cancellationToken);
        result["runnerAlone"] = await RunnerAloneAsync(context.States, context.Scaled(Spawns), cancellationToken);

        Console.WriteLine("  ledger job cycle (Get + claim, command and succeeded writes) with concurrent callers on one ledger:");
        var concurrency = new JsonArray();
        foreach (var callers in Callers)
        {
            concurrency.Add(await LedgerConcurrentAsync(context.States, context.Scaled(LedgerJobs), callers, cancellationToken));
        }

        result["ledgerConcurrent"] = concurrency;

        Console.WriteLine($"  engine with N workers, {context.Scaled(SweepJobs)} stamped no-op jobs each run:");
        var sweep = new JsonArray();
        foreach (var workers in SweepWorkers)
        {
            sweep.Add(await SweepAsync(context, workers, cancellationToken));
        }

        result["workerSweep"] = sweep;
        return result;
    }

    // The file-system work LocalCommandRunner does around each attempt (outputs/<job>/attempt-n/ and a
    // fresh job directory, script.sh, the pid file and its removal) without any process: what inode
    // allocation costs on the state directory's file system right now.
    private static JsonObject FileSystemAlone(StateDirectories states, int rounds)
    {
        var directory = states.Create("shoal-bench-fs-");
        var timings = new Timings();
        for (var i = 0; i < rounds; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var outputs = Path.Combine(directory, "outputs", $"job-{i:D5}", "attempt-1");
            Directory.CreateDirectory(outputs);
            Directory.CreateDirectory(Path.Combine(directory, "jobs", i.ToString(CultureInfo.InvariantCulture)));
            timings.Add("fs: 3 mkdir (outputs/<job>/attempt-1, jobs/<n>)", start);
            start = Stopwatch.GetTimestamp();
            File.WriteAllText(Path.Combine(outputs, "script.sh"), "true\n");
            timings.Add("fs: create script.sh", start);
            start = Stopwatch.GetTimestamp();
            var pid = Path.Combine(directory, $"{i}.pid");
            File.WriteAllText(pid, "1 c");
            File.Delete(pid);
            timings.Add("fs: create + delete a pid file", start);
        }

        states.Discard(directory);
        return timings.Print();
    }

    private static async Task<JsonObject> LedgerAloneAsync(StateDirectories states, int count, CancellationToken cancellationToken)
    {
        var directory = states.Create("shoal-bench-probe-");
        var time = TimeProvider.System;
        await using var ledger = new SqliteJobLedger(Path.Combine(directory, "ledger.db"), time);
        states.Discard(directory);
        var timings = new Timings();
        for (var i = 0; i < count; i++)
        {
            await JobCycleAsync(ledger, $"alone-{i:D5}", "w-1", time, timings, register: true, cancellationToken);
        }

        return timings.Print();
    }

    private static async Task<JsonObject> QueueAloneAsync(StateDirectories states, int count, CancellationToken cancellationToken)
    {
        var directory = states.Create("shoal-bench-probe-");
        await using var queue = new SqliteJobQueue(Path.Combine(directory, "queue.db"), "default", TimeProvider.System);
        states.Discard(directory);
        var timings = new Timings();
        var body = new BenchJob("q", ["true"]).ToMessage();
        for (var i = 0; i < count; i++)
        {
            await timings.TimeAsync("queue.Send", () => queue.SendAsync(body, TimeSpan.Zero, cancellationToken));
        }

        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var messages = await queue.ReceiveAsync(1, Lease, TimeSpan.Zero, cancellationToken);
            timings.Add("queue.Receive", start);
            await timings.TimeAsync("queue.Complete", () => queue.CompleteAsync(messages[0], "{}", cancellationToken));
        }

        return timings.Print();
    }

    private static async Task<JsonObject> RunnerAloneAsync(StateDirectories states, int count, CancellationToken cancellationToken)
    {
        var directory = states.Create("shoal-bench-probe-");
        states.Discard(directory);
        var time = TimeProvider.System;
        var fleet = new LocalWorkerFleet(new LocalFleetOptions { StateDirectory = directory }, time);
        using var runner = new LocalCommandRunner(fleet, time);
        var worker = (await fleet.LaunchAsync(new LaunchRequest("probe", "default", 1, "probe-1"), cancellationToken))[0].WorkerId;
        var timings = new Timings();
        for (var i = 0; i < count; i++)
        {
            var request = new CommandRequest { WorkerId = worker, JobId = $"spawn-{i:D4}", Attempt = 1, Document = "AWS-RunShellScript", Commands = ["true"] };
            var start = Stopwatch.GetTimestamp();
            var handle = await runner.StartAsync(request, cancellationToken);
            timings.Add("runner.Start", start);
            start = Stopwatch.GetTimestamp();
            var status = await runner.WaitAsync(handle, TimeSpan.FromSeconds(10), cancellationToken);
            timings.Add("runner.Wait (process runs `true`, exits, is seen)", start);
            if (status.State != CommandState.Completed)
            {
                throw new InvalidOperationException($"probe command ended {status.State}: {status.Detail}");
            }
        }

        return timings.Print();
    }

    private static async Task<JsonObject> LedgerConcurrentAsync(StateDirectories states, int count, int callers, CancellationToken cancellationToken)
    {
        var directory = states.Create("shoal-bench-probe-");
        states.Discard(directory);
        var time = TimeProvider.System;
        await using var ledger = new SqliteJobLedger(Path.Combine(directory, "ledger.db"), time);
        for (var i = 0; i < count; i++)
        {
            await RegisterAsync(ledger, $"c-{i:D5}", time, cancellationToken);
        }

        var timings = new Timings();
        var next = -1;
        var clock = Stopwatch.StartNew();
        // Each caller on the thread pool, as worker loops are; they take jobs until none are left.
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(
            async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    await JobCycleAsync(ledger, $"c-{i:D5}", $"w-{c}", time, timings, register: false, cancellationToken);
                }
            },
            cancellationToken)));
        var seconds = clock.Elapsed.TotalSeconds;
        var cycles = count / seconds;
        var write = timings.Summary("ledger.Write(claim)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {callers,2} callers: {cycles,7:0} job cycles/s ({cycles * 4:0} ledger calls/s); claim write p50 {write.P50:0.00} ms p99 {write.P99:0.00} ms"));
        return new JsonObject
        {
            ["callers"] = callers,
            ["jobCyclesPerSecond"] = Math.Round(cycles, 1),
            ["ledgerCallsPerSecond"] = Math.Round(cycles * 4, 1),
            ["claimWriteMs"] = write.ToJson(),
        };
    }

    private static async Task<JsonObject> SweepAsync(BenchContext context, int workers, CancellationToken cancellationToken)
    {
        var count = context.Scaled(SweepJobs);
        var jobs = Enumerable.Range(0, count).Select(i => new BenchJob($"sweep-{workers}-{i:D5}", ScriptStamps.NoOpCommands)).ToList();
        var run = await BenchEngine.RunAsync(jobs, workers, context.Trace, context.States, cancellationToken);
        var gaps = GapAnalysis.Gaps(run).Where(g => !g.AfterFirstJob).ToList();
        var gap = Distribution.Of(gaps.Select(g => g.Milliseconds));
        var ended = run.Attempts.Where(a => a.EndedTicks is not null).ToList();
        var window = RunChecks.Seconds(ended.Max(a => a.EndedTicks!.Value) - run.Attempts.Min(a => a.StartedTicks));
        var ledgerCalls = Distribution.Of(run.Spans.Where(s => s.Worker != PortTrace.PoolCaller && s.Operation.StartsWith("ledger.", StringComparison.Ordinal)).Select(s => s.Milliseconds));
        var cpu = (run.Cpu.SelfSeconds + run.Cpu.ChildrenSeconds) / RunChecks.Seconds(run.DrainedTicks - run.RunnerStartTicks);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"    {workers,2} workers: {run.Counts.Succeeded / window,6:0} jobs/s; steady gap p50 {gap.P50,6:0.00} p99 {gap.P99,7:0.00} ms; ledger call p50 {ledgerCalls.P50,5:0.00} p99 {ledgerCalls.P99,6:0.00} ms; {cpu:0.00} cores busy"));
        context.States.Discard(run.StateDirectory);
        return new JsonObject
        {
            ["workers"] = workers,
            ["jobs"] = count,
            ["succeeded"] = run.Counts.Succeeded,
            ["jobsPerSecond"] = Math.Round(run.Counts.Succeeded / window, 1),
            ["gapSteadyMs"] = gap.ToJson(),
            ["ledgerCallMs"] = run.Traced ? ledgerCalls.ToJson() : null,
            ["coresBusy"] = Math.Round(cpu, 2),
        };
    }

    // The ledger calls one worker makes per job, in the order WorkerLoop makes them.
    private static async Task JobCycleAsync(SqliteJobLedger ledger, string jobId, string worker, TimeProvider time, Timings timings, bool register, CancellationToken cancellationToken)
    {
        if (register)
        {
            var start = Stopwatch.GetTimestamp();
            await RegisterAsync(ledger, jobId, time, cancellationToken);
            timings.Add("ledger.Write(register)", start);
        }

        var begin = Stopwatch.GetTimestamp();
        var existing = await ledger.GetAsync(jobId, cancellationToken);
        timings.Add("ledger.Get", begin);
        var spec = Spec(jobId);
        var claim = JobTransitions.Claim(existing, "default", spec, existing!.Body!, worker, time.GetUtcNow(), Lease, 10).Next!;
        await timings.TimeWriteAsync("ledger.Write(claim)", ledger, existing, claim, cancellationToken);
        var command = JobTransitions.Renewed(claim, time.GetUtcNow(), Lease, $"{worker}-{jobId}");
        await timings.TimeWriteAsync("ledger.Write(command)", ledger, claim, command, cancellationToken);
        var done = JobTransitions.Succeeded(command, 0, string.Empty, time.GetUtcNow());
        await timings.TimeWriteAsync("ledger.Write(succeeded)", ledger, command, done, cancellationToken);
    }

    private static Task<bool> RegisterAsync(SqliteJobLedger ledger, string jobId, TimeProvider time, CancellationToken cancellationToken) =>
        ledger.TryWriteAsync(null, JobTransitions.Registered("default", Spec(jobId), new BenchJob(jobId, ["true"]).ToMessage(), time.GetUtcNow()), cancellationToken);

    private static JobSpec Spec(string jobId) => JobMessageParser.Parse(new BenchJob(jobId, ["true"]).ToMessage(), new JobDefaults()).Job!;

    /// <summary>Per-operation latencies in milliseconds, safe to add to from concurrent callers.</summary>
    private sealed class Timings
    {
        private readonly Lock gate = new();
        private readonly Dictionary<string, List<double>> samples = new(StringComparer.Ordinal);

        public void Add(string operation, long startTimestamp)
        {
            var ms = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
            lock (gate)
            {
                if (!samples.TryGetValue(operation, out var list))
                {
                    list = [];
                    samples[operation] = list;
                }

                list.Add(ms);
            }
        }

        public async Task TimeAsync(string operation, Func<Task> call)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            Add(operation, start);
        }

        public async Task TimeWriteAsync(string operation, SqliteJobLedger ledger, JobRecord previous, JobRecord next, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            if (!await ledger.TryWriteAsync(previous, next, cancellationToken))
            {
                throw new InvalidOperationException($"probe write {operation} of {next.JobId} was refused");
            }

            Add(operation, start);
        }

        public Distribution Summary(string operation)
        {
            lock (gate)
            {
                return Distribution.Of(samples[operation]);
            }
        }

        public JsonObject Print()
        {
            var json = new JsonObject();
            lock (gate)
            {
                foreach (var (operation, values) in samples)
                {
                    var distribution = Distribution.Of(values);
                    Console.WriteLine($"    {operation,-52} {distribution.Format()}");
                    json[operation] = distribution.ToJson();
                }
            }

            return json;
        }
    }
}
