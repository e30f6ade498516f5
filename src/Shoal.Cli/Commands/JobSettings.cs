using System.ComponentModel;
using Spectre.Console.Cli;

namespace Shoal.Cli.Commands;

internal sealed class JobSettings : StateSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The job_id.")]
    public string Id { get; init; } = "";

    [CommandOption("--json")]
    [Description("Print the job as JSON.")]
    public bool Json { get; init; }
}
