using System.Globalization;

namespace Shoal.KubeApi.Schema;

/// <summary>Number formatting that matches Go's %v, which the real server's validation messages use.</summary>
internal static class GoFormat
{
    /// <summary>
    /// strconv.FormatFloat(f, 'g', -1, 64): the shortest round-trip digits, in exponent form when the
    /// decimal exponent is below -4 or at least 6 ("1e+06", "2.5e-05", "100000", "0.5").
    /// </summary>
    public static string Float(double value)
    {
        if (value == 0)
        {
            return "0";
        }

        var exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        if (exponent >= -4 && exponent < 6)
        {
            return shortest.Contains('E', StringComparison.Ordinal)
                ? value.ToString("0.####################", CultureInfo.InvariantCulture)
                : shortest;
        }

        var mantissa = value / Math.Pow(10, exponent);
        var digits = double.Parse(mantissa.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            .ToString("0.###############", CultureInfo.InvariantCulture);
        var sign = exponent < 0 ? "-" : "+";
        return $"{digits}e{sign}{Math.Abs(exponent):00}";
    }
}
