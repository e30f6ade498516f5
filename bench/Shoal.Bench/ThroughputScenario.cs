using System.Globalization;
using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>
/// How many no-op jobs per second the embedded engine gets through with many workers: the ceiling set by
/// the engine itself (SQLite, process spawns, loop code) on this machine, since the jobs do nothing.
/// </summary>
internal sealed class ThroughputScenario : IScenario
{
    private const int Jobs = 3000;
    private const int Workers = 32;

    public string Name => "throughput";

    public string Summary => $"{Jobs} no-op jobs (`true`) on {Workers} workers: jobs per second";

    public async Task<JsonObject> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var count = context.Scaled(Jobs);
        var jobs = Enumerable.Range(0, count).Select(i => new BenchJob($"tp-{i:D5}", ["true"])).ToList();
        var run = await BenchEngine.RunAsync(jobs, Workers, context.Trace, context.States, cancellationToken);
        var result = RunChecks.Describe(run, count);

        var ended = run.Attempts.Where(a => a.EndedTicks is not null).ToList();
        var firstStart = run.Attempts.Min(a => a.StartedTicks);
        var lastEnd = ended.Max(a => a.EndedTicks!.Value);
        var lastRecorded = ended.Max(a => a.RecordedTicks!.Value);
        var window = RunChecks.Seconds(lastEnd - firstStart);
        var perSecond = run.Counts.Succeeded / window;
        var fromRunner = run.Counts.Succeeded / RunChecks.Seconds(lastRecorded - run.RunnerStartTicks);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  first start → last end: {window:0.000} s → {perSecond:0.0} jobs/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  runner start → last outcome recorded: {RunChecks.Seconds(lastRecorded - run.RunnerStartTicks):0.000} s → {fromRunner:0.0} jobs/s (includes launching the workers)"));

        // Throughput per second of the window: shows whether the rate holds or decays as tables grow.
        var perBucket = ended.GroupBy(a => (a.EndedTicks!.Value - firstStart) / TimeSpan.TicksPerSecond).OrderBy(g => g.Key).Select(g => g.Count()).ToList();
        if (perBucket.Count > 2)
        {
            Console.WriteLine("  jobs ended per second of the window: " + string.Join(" ", perBucket));
        }

        var gaps = GapAnalysis.Gaps(run);
        var gap = Distribution.Of(gaps.Select(g => g.Milliseconds));
        var jobTime = Distribution.Of(ended.Select(a => WorkerGap.Ms(a.EndedTicks!.Value - a.StartedTicks)));
        Console.WriteLine("  engine gap per worker      " + gap.Format());
        Console.WriteLine("  attempt start → end        " + jobTime.Format());
        var breakdown = GapAnalysis.Breakdown(run, gaps);
        if (breakdown.Count > 0)
        {
            Console.WriteLine("  where the engine gap goes:");
            foreach (var share in breakdown)
            {
                Console.WriteLine(GapAnalysis.Format(share));
            }
        }

        var target = TargetCheck.AtLeast("no-op throughput", perSecond, 200, "jobs/s");
        Console.WriteLine(target);

        result["commands"] = new JsonArray("true");
        result["windowSeconds"] = Math.Round(window, 3);
        result["jobsPerSecond"] = Math.Round(perSecond, 1);
        result["runnerStartToLastRecordedJobsPerSecond"] = Math.Round(fromRunner, 1);
        result["jobsEndedPerSecond"] = new JsonArray([.. perBucket.Select(c => (JsonNode?)c)]);
        result["gapMs"] = gap.ToJson();
        result["attemptMs"] = jobTime.ToJson();
        result["gapBreakdown"] = GapAnalysis.ToJson(breakdown);
        result["targets"] = new JsonArray(target.ToJson());
        context.States.Discard(run.StateDirectory);

        return result;
    }
}
