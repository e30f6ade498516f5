using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Shoal.Cli.Commands;

internal sealed class SubmitSettings : StateSettings
{
    [CommandArgument(0, "<PATH>")]
    [Description("Job files: .json (one job), .jsonl (one per line) or directories of .json files.")]
    public string[] Paths { get; init; } = [];

    [CommandOption("--json")]
    [Description("Print the result as JSON.")]
    public bool Json { get; init; }

    public override ValidationResult Validate() =>
        Paths.Length == 0 ? ValidationResult.Error("give at least one job file, e.g. `shoal submit --state-dir .shoal jobs.jsonl`") : base.Validate();
}
