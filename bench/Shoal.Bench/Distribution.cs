using System.Globalization;
using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>Summary of a sample in milliseconds (or any unit); percentiles by linear interpolation between ranks.</summary>
internal sealed record Distribution(int Count, double Mean, double Min, double P50, double P90, double P99, double Max)
{
    public static Distribution Of(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        if (sorted.Length == 0)
        {
            return new Distribution(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        return new Distribution(sorted.Length, sorted.Average(), sorted[0], Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99), sorted[^1]);
    }

    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 1)
        {
            return sorted[0];
        }

        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((rank - low) * (sorted[high] - sorted[low]));
    }

    public string Format(string unit = "ms") => string.Create(
        CultureInfo.InvariantCulture,
        $"p50 {P50,8:0.00}  p90 {P90,8:0.00}  p99 {P99,8:0.00}  max {Max,8:0.00}  mean {Mean,8:0.00} {unit}  (n={Count})");

    public JsonObject ToJson() => new()
    {
        ["n"] = Count,
        ["mean"] = Round(Mean),
        ["min"] = Round(Min),
        ["p50"] = Round(P50),
        ["p90"] = Round(P90),
        ["p99"] = Round(P99),
        ["max"] = Round(Max),
    };

    public static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 3) : -1;
}
