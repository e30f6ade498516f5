using System.Globalization;
using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>The time a worker sat between two of its jobs.</summary>
internal sealed record WorkerGap(string Worker, int IndexOnWorker, AttemptTimes Previous, AttemptTimes Next)
{
    /// <summary>Previous AttemptEnded's commandEndedAt → next AttemptStarted's at: the engine's own view.</summary>
    public double Milliseconds => Ms(Next.StartedTicks - Previous.EndedTicks!.Value);

    /// <summary>The gap that follows a worker's first job, where the first-use costs land.</summary>
    public bool AfterFirstJob => IndexOnWorker == 0;

    public static double Ms(long ticks) => ticks / (double)TimeSpan.TicksPerMillisecond;
}

/// <summary>Gaps between consecutive attempts on each worker, and where the time inside them went.</summary>
internal static class GapAnalysis
{
    public static IReadOnlyList<WorkerGap> Gaps(EngineRun run)
    {
        var gaps = new List<WorkerGap>();
        foreach (var worker in run.Attempts.Where(a => a.EndedTicks is not null).GroupBy(a => a.Worker))
        {
            var ordered = worker.OrderBy(a => a.StartedTicks).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                gaps.Add(new WorkerGap(worker.Key, i - 1, ordered[i - 1], ordered[i]));
            }
        }

        return gaps;
    }

    /// <summary>
    /// For each gap, the worker's own port calls clipped to it, summed per operation. What the calls do
    /// not cover is the loop's own code plus time waiting for a thread or a core.
    /// </summary>
    public static IReadOnlyList<PhaseShare> Breakdown(EngineRun run, IReadOnlyList<WorkerGap> gaps)
    {
        if (!run.Traced || gaps.Count == 0)
        {
            return [];
        }

        var byWorker = run.Spans.GroupBy(s => s.Worker).ToDictionary(g => g.Key, g => g.OrderBy(s => s.StartTicks).ToArray());
        var perOperation = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var uncovered = new double[gaps.Count];
        for (var g = 0; g < gaps.Count; g++)
        {
            var gap = gaps[g];
            var from = gap.Previous.EndedTicks!.Value;
            var to = gap.Next.StartedTicks;
            var covered = 0L;
            if (byWorker.TryGetValue(gap.Worker, out var spans))
            {
                foreach (var span in spans)
                {
                    if (span.EndTicks <= from || span.StartTicks >= to)
                    {
                        continue;
                    }

                    var clipped = Math.Min(span.EndTicks, to) - Math.Max(span.StartTicks, from);
                    covered += clipped;
                    if (!perOperation.TryGetValue(span.Operation, out var values))
                    {
                        values = new double[gaps.Count];
                        perOperation[span.Operation] = values;
                    }

                    values[g] += WorkerGap.Ms(clipped);
                }
            }

            uncovered[g] = WorkerGap.Ms(Math.Max(0, to - from - covered));
        }

        var total = gaps.Sum(g => Math.Max(0, g.Milliseconds));
        var shares = perOperation
            .Select(p => new PhaseShare(p.Key, Distribution.Of(p.Value), p.Value.Sum() / total))
            .Append(new PhaseShare("(loop code, thread and CPU waits)", Distribution.Of(uncovered), uncovered.Sum() / total))
            .Where(s => s.Share >= 0.0005)
            .OrderByDescending(s => s.Share)
            .ToList();
        return shares;
    }

    public static string Format(PhaseShare share) => string.Create(
        CultureInfo.InvariantCulture,
        $"    {share.Operation,-36} {share.Share * 100,5:0.0} %   mean {share.PerGap.Mean,7:0.00}  p50 {share.PerGap.P50,7:0.00}  p99 {share.PerGap.P99,7:0.00} ms per gap");

    public static JsonArray ToJson(IReadOnlyList<PhaseShare> shares) =>
        [.. shares.Select(s => (JsonNode?)new JsonObject
        {
            ["operation"] = s.Operation,
            ["share"] = Math.Round(s.Share, 4),
            ["perGapMs"] = s.PerGap.ToJson(),
        })];
}

/// <summary>How much of the total gap time one kind of call took, and its per-gap distribution.</summary>
internal sealed record PhaseShare(string Operation, Distribution PerGap, double Share);
