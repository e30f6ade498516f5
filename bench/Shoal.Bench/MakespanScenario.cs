using System.Globalization;
using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>
/// Short real jobs on a fixed pool: how close the engine gets to the best any scheduler could do. The
/// ideal is total work / workers; the FIFO bound is what a zero-overhead scheduler taking jobs in queue
/// order would reach with these durations (the tail of the last jobs is not the engine's fault).
/// </summary>
internal sealed class MakespanScenario : IScenario
{
    private const int Jobs = 1000;
    private const int Workers = 16;
    private const int Seed = 20251124;

    public string Name => "makespan";

    public string Summary => $"{Jobs} jobs sleeping 0.2–1.0 s (seed {Seed}) on {Workers} workers: makespan against total/{Workers}";

    public async Task<JsonObject> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var count = context.Scaled(Jobs);
        var random = new Random(Seed);
        // Milliseconds, printed as `sleep 0.537`: the duration the job asks for is exactly what we sum.
        var durations = Enumerable.Range(0, count).Select(_ => random.Next(200, 1001)).ToArray();
        var jobs = durations.Select((ms, i) => new BenchJob($"ms-{i:D5}", [string.Create(CultureInfo.InvariantCulture, $"sleep {ms / 1000.0:0.000}")])).ToList();
        var run = await BenchEngine.RunAsync(jobs, Workers, context.Trace, context.States, cancellationToken);
        var result = RunChecks.Describe(run, count);

        var total = durations.Sum() / 1000.0;
        var ideal = total / Workers;
        var fifo = FifoBound(durations, Workers) / 1000.0;
        var ended = run.Attempts.Where(a => a.EndedTicks is not null).ToList();
        var firstStart = run.Attempts.Min(a => a.StartedTicks);
        var lastEnd = ended.Max(a => a.EndedTicks!.Value);
        var lastRecorded = ended.Max(a => a.RecordedTicks!.Value);
        var makespan = RunChecks.Seconds(lastEnd - firstStart);
        var submitToTerminal = RunChecks.Seconds(lastRecorded - run.SubmitStartTicks);
        var submitToDrained = RunChecks.Seconds(run.DrainedTicks - run.SubmitStartTicks);

        var requested = jobs.Select((j, i) => (j.JobId, Ms: (double)durations[i])).ToDictionary(x => x.JobId, x => x.Ms, StringComparer.Ordinal);
        var overshoot = Distribution.Of(ended.Select(a => WorkerGap.Ms(a.EndedTicks!.Value - a.StartedTicks) - requested[a.JobId]));
        var gaps = GapAnalysis.Gaps(run);
        var gap = Distribution.Of(gaps.Select(g => g.Milliseconds));
        var busy = ended.Sum(a => RunChecks.Seconds(a.EndedTicks!.Value - a.StartedTicks));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  total sleep {total:0.000} s; ideal = total/{Workers} = {ideal:0.000} s; FIFO zero-overhead bound {fifo:0.000} s ({fifo / ideal:0.0000} × ideal)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  makespan first start → last end      {makespan:0.000} s = {makespan / ideal:0.0000} × ideal ({makespan / fifo:0.0000} × FIFO bound)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  submit → last outcome recorded       {submitToTerminal:0.000} s = {submitToTerminal / ideal:0.0000} × ideal (submitting took {run.SubmitSeconds:0.000} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  submit → drained (workers retired)   {submitToDrained:0.000} s = {submitToDrained / ideal:0.0000} × ideal"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  worker utilisation (attempt time / workers × makespan) {busy / (Workers * makespan) * 100:0.0} %"));
        Console.WriteLine("  attempt time − requested sleep  " + overshoot.Format());
        Console.WriteLine("  engine gap per worker           " + gap.Format());

        var targets = new[]
        {
            TargetCheck.AtMost("makespan first start → last end", makespan / ideal, 1.05, "× ideal"),
            TargetCheck.AtMost("makespan submit → drained", submitToDrained / ideal, 1.05, "× ideal"),
        };
        foreach (var target in targets)
        {
            Console.WriteLine(target);
        }

        result["seed"] = Seed;
        result["totalSleepSeconds"] = Math.Round(total, 3);
        result["idealSeconds"] = Math.Round(ideal, 3);
        result["fifoBoundSeconds"] = Math.Round(fifo, 3);
        result["makespanSeconds"] = Math.Round(makespan, 3);
        result["makespanOverIdeal"] = Math.Round(makespan / ideal, 4);
        result["makespanOverFifoBound"] = Math.Round(makespan / fifo, 4);
        result["submitToLastRecordedSeconds"] = Math.Round(submitToTerminal, 3);
        result["submitToDrainedSeconds"] = Math.Round(submitToDrained, 3);
        result["submitToDrainedOverIdeal"] = Math.Round(submitToDrained / ideal, 4);
        result["utilisation"] = Math.Round(busy / (Workers * makespan), 4);
        result["attemptOverRequestedMs"] = overshoot.ToJson();
        result["gapMs"] = gap.ToJson();
        result["targets"] = new JsonArray([.. targets.Select(t => (JsonNode?)t.ToJson())]);
        context.States.Discard(run.StateDirectory);

        return result;
    }

    // Each job, in queue order, goes to the worker that frees up first: list scheduling with no overhead.
    private static double FifoBound(int[] durations, int workers)
    {
        var free = new PriorityQueue<int, double>();
        for (var w = 0; w < workers; w++)
        {
            free.Enqueue(w, 0);
        }

        var end = 0.0;
        foreach (var duration in durations)
        {
            free.TryDequeue(out var worker, out var at);
            var done = at + duration;
            end = Math.Max(end, done);
            free.Enqueue(worker, done);
        }

        return end;
    }
}
