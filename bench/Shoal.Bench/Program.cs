using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Shoal.Bench;

internal static class Program
{
    private const string Usage = """
        usage: shoal-bench [SCENARIO...] [--quick] [--no-trace] [--no-warmup] [--keep] [--out DIR] [--state-root DIR]

        scenarios: idle-gap, throughput, makespan, diagnose, seed-model, aws-calls, all (default: all;
                   all leaves out aws-calls, which needs moto_server on PATH and takes about 3 minutes)
          --quick      a tenth of the jobs, to check the bench itself (results are marked quick)
          --no-trace   no timing decorators around the ports (no per-phase breakdown)
          --no-warmup  skip the unmeasured warm-up run before the first engine scenario
          --keep       keep each run's temporary state directory
          --out DIR    where results.json goes (default: bench/out)
          --state-root DIR
                       where the runs' state directories go (default: the temp directory, $TMPDIR or /tmp);
                       results are then kept under "<scenario>@<file system type>", e.g. idle-gap@tmpfs
        """;

    private static readonly IScenario[] Scenarios = [new IdleGapScenario(), new ThroughputScenario(), new MakespanScenario(), new DiagnoseScenario(), new SeedModelScenario(), new AwsCallsScenario()];

    public static async Task<int> Main(string[] args)
    {
        var names = new List<string>();
        var quick = false;
        var trace = true;
        var warmup = true;
        var keep = false;
        string? outDirectory = null;
        string? stateRoot = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--no-trace": trace = false; break;
                case "--no-warmup": warmup = false; break;
                case "--keep": keep = true; break;
                case "--out" when i + 1 < args.Length: outDirectory = args[++i]; break;
                case "--state-root" when i + 1 < args.Length: stateRoot = args[++i]; break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    return 0;
                case var name when !name.StartsWith('-'): names.Add(name); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}\n{Usage}");
                    return 2;
            }
        }

        var selected = names.Count == 0 || names.Contains("all") ? [.. Scenarios.Where(s => s is not AwsCallsScenario)] : new List<IScenario>();
        foreach (var name in names.Where(n => n != "all"))
        {
            var scenario = Scenarios.FirstOrDefault(s => s.Name == name);
            if (scenario is null)
            {
                Console.Error.WriteLine($"unknown scenario \"{name}\"; known: {string.Join(", ", Scenarios.Select(s => s.Name))}, all");
                return 2;
            }

            if (!selected.Contains(scenario))
            {
                selected.Add(scenario);
            }
        }

        // Keep the documented order, so seed-model finds this run's idle-gap result.
        selected = [.. Scenarios.Where(selected.Contains)];
        var results = new ResultsFile(Path.Combine(outDirectory ?? DefaultOutDirectory(), "results.json"));
        var states = new StateDirectories(stateRoot ?? Path.GetTempPath(), keep);
        Directory.CreateDirectory(states.Root);
        var context = new BenchContext { Quick = quick, Trace = trace, States = states, Results = results };
        // A non-default state root is a variant of the measurement, kept beside the default one.
        var suffix = stateRoot is null ? string.Empty : "@" + states.FileSystem;
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var machine = Machine.Describe();
        Console.WriteLine($"shoal-bench {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC · {machine["processors"]} processors · {machine["cpu"]} · {machine["memoryGiB"]} GiB · {machine["dotnet"]} · {machine["gc"]} GC · state in {states.Root} ({states.FileSystem}) · load {Machine.FormatLoad(Machine.LoadAverage())}{(quick ? " · QUICK" : string.Empty)}{(trace ? string.Empty : " · no trace")}");
        if (warmup && selected.Any(s => s is not SeedModelScenario and not AwsCallsScenario))
        {
            // JIT and first-use costs (SQLite native load, the first process spawn) belong to no scenario.
            var clock = Stopwatch.StartNew();
            var run = await BenchEngine.RunAsync([.. Enumerable.Range(0, 200).Select(i => new BenchJob($"warm-{i:D3}", ScriptStamps.NoOpCommands))], 8, trace, states, cancel.Token);
            states.Discard(run.StateDirectory);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up: 200 no-op jobs on 8 workers in {clock.Elapsed.TotalSeconds:0.0} s (not measured)"));
        }

        foreach (var scenario in selected)
        {
            Console.WriteLine();
            Console.WriteLine($"== {scenario.Name}: {scenario.Summary}");
            var loadBefore = Machine.LoadAverage();
            var started = DateTimeOffset.UtcNow;
            var result = await scenario.RunAsync(context, cancel.Token);
            var loadAfter = Machine.LoadAverage();
            Console.WriteLine($"  load average before {Machine.FormatLoad(loadBefore)}, after {Machine.FormatLoad(loadAfter)}");
            result["recordedAt"] = started.ToString("O", CultureInfo.InvariantCulture);
            result["durationSeconds"] = Math.Round((DateTimeOffset.UtcNow - started).TotalSeconds, 1);
            result["loadAverageBefore"] = Machine.LoadJson(loadBefore);
            result["loadAverageAfter"] = Machine.LoadJson(loadAfter);
            result["quick"] = quick;
            result["stateRoot"] = states.Root;
            result["stateFileSystem"] = states.FileSystem;
            result["command"] = "dotnet run -c Release --project bench/Shoal.Bench -- " + string.Join(' ', args.DefaultIfEmpty("all"));
            results.Write(scenario.Name + suffix, result);
        }

        var left = states.DeleteAll();
        if (left.Count > 0)
        {
            Console.WriteLine($"state kept: {string.Join(' ', left)}");
        }

        Console.WriteLine();
        Console.WriteLine($"results: {results.Path}");
        return 0;
    }

    // bench/out, found from the build output (bench/Shoal.Bench/bin/<config>/<tfm>/) so it does not
    // depend on the directory the bench is started from.
    private static string DefaultOutDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Shoal.Bench.csproj")))
            {
                return Path.Combine(directory.Parent!.FullName, "out");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "bench", "out");
    }
}
