using System.Globalization;
using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>
/// The idle gap the seed's design would have (aws-decoupled-serverless-scheduler; its workflow is in
/// ../shared/reference/seed-workflow.md). Nothing runs: it is a Monte Carlo model over the uniform poll
/// phase, with per-state costs that are stated assumptions, not measurements. After a job's command
/// completes, the execution is somewhere in its fixed 5 s Wait (§5.2: TimeoutJob default 5); the
/// completion is seen at the next CheckJob, and then the states of §2.2 run one after another, each a
/// Step Functions state transition and, for Task states, a Lambda invocation, until WriteJobStart.
/// </summary>
internal sealed class SeedModelScenario : IScenario
{
    private const int Samples = 1_000_000;
    private const int Seed = 2143;
    private const double PollSeconds = 5.0;

    // seed-workflow.md §2.2–2.4: the path from "command finished" to "next command started" on the success
    // branch with a non-empty queue. The brief's list starts at ConfirmResult; CheckJob (the poll that
    // sees the completion) and the two Choice states around it are on the same path, so they are counted.
    private static readonly (string State, bool Task)[] Path =
    [
        ("CheckJob", true),
        ("YesNoJobRunning", false),
        ("ConfirmResult", true),
        ("YesNoResultFile", false),
        ("StatusSuccessful", false),
        ("WriteJobSuccessful", true),
        ("SQSOut", true),
        ("SQSCheck", true),
        ("YesNoSQSEmpty", false),
        ("PassCleanEntry", false),
        ("GetJob", true),
        ("DeleteJob", true),
        ("ExtractJob", true),
        ("StartJob", true),
        ("StatusStarted", false),
        ("WriteJobStart", true),
    ];

    // Assumptions (not measurements): a Standard-workflow state transition costs tens of milliseconds, a
    // warm Lambda invocation including its one or two AWS API calls 50–100 ms. The optimistic row is
    // deliberately generous to the seed; the poll-only row is the floor with free transitions and Lambdas.
    private static readonly Assumption[] Assumptions =
    [
        new("base", "transition U(10, 50) ms; warm Lambda U(50, 100) ms", 10, 50, 50, 100),
        new("optimistic", "transition 10 ms; warm Lambda 25 ms", 10, 10, 25, 25),
        new("poll only", "transitions and Lambdas free", 0, 0, 0, 0),
    ];

    public string Name => "seed-model";

    public string Summary => "the seed's idle gap (5 s poll + Step Functions/Lambda chain), Monte Carlo from stated assumptions";

    public Task<JsonObject> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var tasks = Path.Count(p => p.Task);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  path after the command completes: Wait remainder U(0, {PollSeconds:0} s) → {string.Join(" → ", Path.Select(p => p.State))} → command starts"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Path.Length} state transitions, {tasks} of them Task states with a Lambda; {Samples:N0} samples, seed {Seed}"));
        Console.WriteLine("  not modelled (each would only lengthen the seed's gap): cold starts, SSM delivery after send_command, SSM status lag,");
        Console.WriteLine("  Lambda/API retries and throttling (DynamoDB 10 WCU), empty GetJob receives (WaitTimeSeconds 0, retried 2 s × 3)");

        var rows = new JsonArray();
        var distributions = new List<(Assumption Assumption, Distribution Gap)>();
        foreach (var assumption in Assumptions)
        {
            var gap = Simulate(assumption, Path.Length, tasks);
            distributions.Add((assumption, gap));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seed gap, {assumption.Name,-10} ({assumption.Text}): {gap.Format()}"));
            rows.Add(new JsonObject
            {
                ["assumption"] = assumption.Name,
                ["costs"] = assumption.Text,
                ["gapMs"] = gap.ToJson(),
            });
        }

        var result = new JsonObject
        {
            ["pollSeconds"] = PollSeconds,
            ["path"] = new JsonArray([.. Path.Select(p => (JsonNode?)p.State)]),
            ["transitions"] = Path.Length,
            ["lambdaInvocations"] = tasks,
            ["samples"] = Samples,
            ["seed"] = Seed,
            ["models"] = rows,
        };

        var measured = context.Results.Read(IdleGapScenario.ScenarioName);
        if (measured is null)
        {
            Console.WriteLine($"  no measured Shoal gap yet: run `{IdleGapScenario.ScenarioName}` first for the side-by-side table");
            return Task.FromResult(result);
        }

        var baseGap = distributions[0].Gap;
        var comparison = new JsonArray();
        Console.WriteLine();
        Console.WriteLine($"  {"idle gap between jobs on a worker",-58} {"p50 ms",10} {"p99 ms",10}");
        Print("seed design, modelled (base assumptions)", baseGap.P50, baseGap.P99, comparison);
        Print("seed design, modelled (optimistic)", distributions[1].Gap.P50, distributions[1].Gap.P99, comparison);
        Print("seed design, modelled (poll only)", distributions[2].Gap.P50, distributions[2].Gap.P99, comparison);
        foreach (var (key, label) in new[]
        {
            ("gapMs", "Shoal measured: engine gap, all gaps"),
            ("gapSteadyMs", "Shoal measured: engine gap, steady state"),
            ("endToEndGapMs", "Shoal measured: end-to-end (exit → next 1st line)"),
        })
        {
            if (measured[key] is JsonObject gap)
            {
                var p50 = gap["p50"]!.GetValue<double>();
                var p99 = gap["p99"]!.GetValue<double>();
                Print(label, p50, p99, comparison);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    → the seed's modelled base gap is {baseGap.P50 / p50:0} × (p50) and {baseGap.P99 / p99:0} × (p99) this"));
            }
        }

        result["comparison"] = comparison;
        result["measuredFrom"] = measured["recordedAt"]?.DeepClone();
        return Task.FromResult(result);
    }

    private static void Print(string label, double p50, double p99, JsonArray rows)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-58} {p50,10:0.00} {p99,10:0.00}"));
        rows.Add(new JsonObject { ["what"] = label, ["p50Ms"] = Distribution.Round(p50), ["p99Ms"] = Distribution.Round(p99) });
    }

    private static Distribution Simulate(Assumption assumption, int transitions, int lambdas)
    {
        var random = new Random(Seed);
        var samples = new double[Samples];
        for (var i = 0; i < samples.Length; i++)
        {
            // The completion lands at a uniformly random moment of the Wait; detection waits out the rest.
            var gap = random.NextDouble() * PollSeconds * 1000;
            for (var t = 0; t < transitions; t++)
            {
                gap += Uniform(random, assumption.TransitionMinMs, assumption.TransitionMaxMs);
            }

            for (var l = 0; l < lambdas; l++)
            {
                gap += Uniform(random, assumption.LambdaMinMs, assumption.LambdaMaxMs);
            }

            samples[i] = gap;
        }

        return Distribution.Of(samples);
    }

    private static double Uniform(Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    private sealed record Assumption(string Name, string Text, double TransitionMinMs, double TransitionMaxMs, double LambdaMinMs, double LambdaMaxMs);
}
