using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Shoal.Cli.Commands;

internal sealed class SubmitSettings : StateSettings
{
    [CommandArgument(0, "<PATH>")]
    [Description("Job files: .json (one job), .jsonl (one per line) or directories of .json files.")]
    public string[] Paths { get; init; } = [];

    [CommandOption("--provider <NAME>")]
    [Description("local (default: the state directory's queue) or aws (the SQS queue of --manifests).")]
    public string Provider { get; init; } = "local";

    [CommandOption("--manifests <DIR>")]
    [Description("With --provider aws: the folder with the JobQueue to submit to.")]
    public string? Manifests { get; init; }

    [CommandOption("--json")]
    [Description("Print the result as JSON.")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        if (Paths.Length == 0)
        {
            return ValidationResult.Error("give at least one job file, e.g. `shoal submit --state-dir .shoal jobs.jsonl`");
        }

        if (Provider is not ("local" or "aws"))
        {
            return ValidationResult.Error($"--provider must be local or aws, got \"{Provider}\"");
        }

        return Provider == "aws" && Manifests is null
            ? ValidationResult.Error("--provider aws needs --manifests DIR: the folder with your JobQueue (see config/samples/aws)")
            : base.Validate();
    }
}
