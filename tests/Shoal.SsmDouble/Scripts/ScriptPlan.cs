using System.Text;

namespace Shoal.SsmDouble.Scripts;

/// <summary>
/// What a script does over time, worked out once when the command is sent: nothing it models depends
/// on the world, so its whole run is known up front and its state at any moment is a pure function of
/// the time elapsed. That is what lets the double answer correctly after any pause (a stopped
/// operator, a FakeTimeProvider jump) without a thread per command.
/// </summary>
internal sealed record ScriptPlan(TimeSpan Duration, int ExitCode, IReadOnlyList<ScriptOutput> Outputs)
{
    public string Stdout { get; } = string.Concat(Outputs.Select(o => o.Text));

    /// <summary>What was written before the script was stopped at <paramref name="elapsed"/> (a timeout or a cancel).</summary>
    public string StdoutBefore(TimeSpan elapsed)
    {
        var text = new StringBuilder();
        foreach (var output in Outputs.TakeWhile(o => o.At < elapsed))
        {
            text.Append(output.Text);
        }

        return text.ToString();
    }
}
