using System.Globalization;
using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>A stated target and whether the measurement met it.</summary>
internal sealed record TargetCheck(string Name, string Target, double Measured, string Unit, bool Met)
{
    public static TargetCheck AtMost(string name, double measured, double limit, string unit) =>
        new(name, string.Create(CultureInfo.InvariantCulture, $"<= {limit:0.###} {unit}"), measured, unit, measured <= limit);

    public static TargetCheck AtLeast(string name, double measured, double floor, string unit) =>
        new(name, string.Create(CultureInfo.InvariantCulture, $">= {floor:0.###} {unit}"), measured, unit, measured >= floor);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"  target {Name,-34} {Target,-14} measured {Measured,9:0.###} {Unit,-6} {(Met ? "MET" : "NOT MET")}");

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["target"] = Target,
        ["measured"] = Distribution.Round(Measured),
        ["unit"] = Unit,
        ["met"] = Met,
    };
}
