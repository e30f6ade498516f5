using System.Globalization;

namespace Shoal.Bench;

/// <summary>
/// The job's own view of when it ran: a no-op job that prints bash's $EPOCHREALTIME (a builtin: no fork)
/// as its first and last line. The engine's AttemptEnded time is when the loop noticed the exit, and its
/// AttemptStarted time is when the process had been spawned; the stamps show what lies outside that.
/// </summary>
internal static class ScriptStamps
{
    public static readonly IReadOnlyList<string> NoOpCommands = ["echo \"$EPOCHREALTIME\"", "true", "echo \"$EPOCHREALTIME\""];

    /// <summary>First and last stamp as UTC ticks; null when the output is missing or not stamps.</summary>
    public static (long First, long Last)? Read(string? stdout)
    {
        if (stdout is null)
        {
            return null;
        }

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length >= 2 && Parse(lines[0]) is { } first && Parse(lines[^1]) is { } last ? (first, last) : null;
    }

    private static long? Parse(string stamp)
    {
        // bash prints the locale's decimal separator; accept either.
        if (!decimal.TryParse(stamp.Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }

        return DateTimeOffset.UnixEpoch.UtcTicks + (long)(seconds * TimeSpan.TicksPerSecond);
    }
}
