using System.ComponentModel;
using Spectre.Console.Cli;

namespace Shoal.Cli.Commands;

internal class StateSettings : CommandSettings
{
    [CommandOption("--state-dir <DIR>")]
    [Description("The embedded mode's state: queue, job ledger, outputs. Default: ./.shoal")]
    public string? StateDir { get; init; }
}
