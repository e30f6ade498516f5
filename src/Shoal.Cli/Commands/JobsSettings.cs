using System.ComponentModel;
using Shoal.Core.Jobs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Shoal.Cli.Commands;

internal sealed class JobsSettings : StateSettings
{
    [CommandOption("--status <S>")]
    [Description("Only jobs in this state: QUEUED, RUNNING, SUCCEEDED or FAILED.")]
    public string? Status { get; init; }

    [CommandOption("--json")]
    [Description("Print a JSON array.")]
    public bool Json { get; init; }

    public JobStatus? ParsedStatus => Status is null ? null : Enum.Parse<JobStatus>(Status, ignoreCase: true);

    public override ValidationResult Validate() =>
        Status is not null && !Enum.TryParse<JobStatus>(Status, ignoreCase: true, out _)
            ? ValidationResult.Error($"--status must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, got \"{Status}\"")
            : base.Validate();
}
