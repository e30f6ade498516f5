using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>
/// How long a worker idles between jobs: from one attempt's end (AttemptEnded's commandEndedAt) to the
/// next attempt's start on the same worker (AttemptStarted's at). All jobs are queued before the workers
/// start, so the queue never runs dry and every gap is pure scheduler overhead.
/// </summary>
internal sealed class IdleGapScenario : IScenario
{
    public const string ScenarioName = "idle-gap";
    private const int Jobs = 2000;
    private const int Workers = 8;

    public string Name => ScenarioName;

    public string Summary => $"{Jobs} no-op jobs on {Workers} workers, queued before the workers start: gap between a worker's jobs";

    public async Task<JsonObject> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var count = context.Scaled(Jobs);
        var jobs = Enumerable.Range(0, count).Select(i => new BenchJob($"idle-{i:D5}", ScriptStamps.NoOpCommands)).ToList();
        var run = await BenchEngine.RunAsync(jobs, Workers, context.Trace, context.States, cancellationToken);
        var result = RunChecks.Describe(run, count);

        var gaps = GapAnalysis.Gaps(run);
        var all = Distribution.Of(gaps.Select(g => g.Milliseconds));
        var steady = Distribution.Of(gaps.Where(g => !g.AfterFirstJob).Select(g => g.Milliseconds));
        var afterFirst = Distribution.Of(gaps.Where(g => g.AfterFirstJob).Select(g => g.Milliseconds));
        Console.WriteLine("  engine gap (AttemptEnded.commandEndedAt → next AttemptStarted.at on the same worker):");
        Console.WriteLine("    all gaps          " + all.Format());
        Console.WriteLine("    steady state      " + steady.Format());
        Console.WriteLine("    after first job   " + afterFirst.Format());

        // The job's own stamps: what a worker really idles, including exit detection and process start.
        var stamps = run.Attempts.ToDictionary(a => a, a => ScriptStamps.Read(BenchEngine.ReadStdout(run, a.JobId, a.Attempt)));
        var stamped = gaps.Where(g => stamps[g.Previous] is not null && stamps[g.Next] is not null).ToList();
        var endToEnd = Distribution.Of(stamped.Select(g => WorkerGap.Ms(stamps[g.Next]!.Value.First - stamps[g.Previous]!.Value.Last)));
        var endToEndSteady = Distribution.Of(stamped.Where(g => !g.AfterFirstJob).Select(g => WorkerGap.Ms(stamps[g.Next]!.Value.First - stamps[g.Previous]!.Value.Last)));
        var detection = Distribution.Of(stamped.Select(g => WorkerGap.Ms(g.Previous.EndedTicks!.Value - stamps[g.Previous]!.Value.Last)));
        var launch = Distribution.Of(stamped.Select(g => WorkerGap.Ms(stamps[g.Next]!.Value.First - g.Next.StartedTicks)));
        var jobRun = Distribution.Of(run.Attempts.Where(a => stamps[a] is not null).Select(a => WorkerGap.Ms(stamps[a]!.Value.Last - stamps[a]!.Value.First)));
        Console.WriteLine("  end-to-end gap (job's last line → next job's first line on the same worker, from $EPOCHREALTIME):");
        Console.WriteLine("    all gaps          " + endToEnd.Format());
        Console.WriteLine("    steady state      " + endToEndSteady.Format());
        Console.WriteLine("    of which: exit → loop sees it        " + detection.Format());
        Console.WriteLine("    of which: AttemptStarted → 1st line  " + launch.Format());
        Console.WriteLine("    (job body itself, 1st → last line)   " + jobRun.Format());

        var firstStart = run.Attempts.GroupBy(a => a.Worker)
            .Where(g => run.LaunchedAt.ContainsKey(g.Key))
            .Select(g => WorkerGap.Ms(g.Min(a => a.StartedTicks) - run.LaunchedAt[g.Key]));
        var toFirstJob = Distribution.Of(firstStart);
        Console.WriteLine("  worker launched → its first AttemptStarted " + toFirstJob.Format());

        var breakdown = GapAnalysis.Breakdown(run, gaps.Where(g => !g.AfterFirstJob).ToList());
        if (breakdown.Count > 0)
        {
            Console.WriteLine("  where the steady-state engine gap goes (port calls of that worker inside its gaps):");
            foreach (var share in breakdown)
            {
                Console.WriteLine(GapAnalysis.Format(share));
            }
        }

        var targets = new[]
        {
            TargetCheck.AtMost("idle gap p50 (all gaps)", all.P50, 20, "ms"),
            TargetCheck.AtMost("idle gap p99 (all gaps)", all.P99, 100, "ms"),
            TargetCheck.AtMost("idle gap p50 (steady state)", steady.P50, 20, "ms"),
            TargetCheck.AtMost("idle gap p99 (steady state)", steady.P99, 100, "ms"),
        };
        foreach (var target in targets)
        {
            Console.WriteLine(target);
        }

        result["commands"] = new JsonArray([.. ScriptStamps.NoOpCommands.Select(c => (JsonNode?)c)]);
        result["gapMs"] = all.ToJson();
        result["gapSteadyMs"] = steady.ToJson();
        result["gapAfterFirstJobMs"] = afterFirst.ToJson();
        result["endToEndGapMs"] = endToEnd.ToJson();
        result["endToEndGapSteadyMs"] = endToEndSteady.ToJson();
        result["exitDetectionMs"] = detection.ToJson();
        result["attemptStartedToFirstLineMs"] = launch.ToJson();
        result["jobBodyMs"] = jobRun.ToJson();
        result["launchToFirstJobMs"] = toFirstJob.ToJson();
        result["steadyGapBreakdown"] = GapAnalysis.ToJson(breakdown);
        result["targets"] = new JsonArray([.. targets.Select(t => (JsonNode?)t.ToJson())]);
        context.States.Discard(run.StateDirectory);
        return result;
    }
}
