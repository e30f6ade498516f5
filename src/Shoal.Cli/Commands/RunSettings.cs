using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Shoal.Cli.Commands;

internal sealed class RunSettings : StateSettings
{
    [CommandOption("--manifests <DIR>")]
    [Description("Folder of JobQueue / WorkerPool YAML (the operator's manifests). Default: a built-in local queue and pool.")]
    public string? Manifests { get; init; }

    [CommandOption("--jobs <PATH>")]
    [Description("Jobs to submit first: a .json file (one job), a .jsonl file (one per line) or a directory of .json files. Repeatable.")]
    public string[] Jobs { get; init; } = [];

    [CommandOption("--workers <N>")]
    [Description("Most workers at once (caps the pool). Default: 4 for the built-in pool.")]
    public int? Workers { get; init; }

    [CommandOption("--interrupt-probability <P>")]
    [Description("Chance from 0 to 1 that a simulated spot reclaim hits any one attempt. Default: 0 (0.1 for the example workload).")]
    public string? InterruptProbability { get; init; }

    [CommandOption("--seed <S>")]
    [Description("Seed of the simulated interruptions, to replay a run. Default: 1.")]
    public int Seed { get; init; } = 1;

    [CommandOption("--provider <NAME>")]
    [Description("Where workers run: local (default).")]
    [DefaultValue("local")]
    public string Provider { get; init; } = "local";

    [CommandOption("--json")]
    [Description("Print one JSON summary on stdout at the end instead of the live display.")]
    public bool Json { get; init; }

    public double? Probability => InterruptProbability is null ? null : double.Parse(InterruptProbability, CultureInfo.InvariantCulture);

    public override ValidationResult Validate()
    {
        if (Workers is < 1)
        {
            return ValidationResult.Error($"--workers must be at least 1, got {Workers}");
        }

        if (InterruptProbability is not null &&
            (!double.TryParse(InterruptProbability, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p is < 0 or > 1))
        {
            return ValidationResult.Error($"--interrupt-probability must be a number from 0 to 1, such as 0.1, got \"{InterruptProbability}\"");
        }

        if (Manifests is not null && !Directory.Exists(Manifests))
        {
            return ValidationResult.Error($"--manifests {Manifests}: no such directory; pass the folder that holds your JobQueue and WorkerPool YAML (e.g. config/samples/local)");
        }

        if (Provider is not ("local" or "aws"))
        {
            return ValidationResult.Error($"--provider must be local or aws, got \"{Provider}\"");
        }

        return base.Validate();
    }
}
