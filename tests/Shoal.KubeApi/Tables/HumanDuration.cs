using System.Globalization;

namespace Shoal.KubeApi.Tables;

/// <summary>
/// Renders an age the way the API server fills `date` cells (apimachinery's duration.HumanDuration):
/// seconds up to two minutes, then minutes (with seconds under ten minutes), hours, days, years.
/// </summary>
internal static class HumanDuration
{
    public static string Format(TimeSpan age)
    {
        var seconds = (long)Math.Floor(age.TotalSeconds);
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 120)
        {
            return $"{seconds}s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return Pair(minutes, "m", seconds % 60, "s");
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            return Pair(hours, "h", minutes % 60, "m");
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        var days = hours / 24;
        if (hours < 24 * 8)
        {
            return Pair(days, "d", hours % 24, "h");
        }

        if (days < 365 * 2)
        {
            return $"{days}d";
        }

        var years = days / 365;
        return years < 8 ? Pair(years, "y", days % 365, "d") : $"{years}y";
    }

    private static string Pair(long major, string majorUnit, long minor, string minorUnit)
        => minor == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{major}{majorUnit}")
            : string.Create(CultureInfo.InvariantCulture, $"{major}{majorUnit}{minor}{minorUnit}");
}
