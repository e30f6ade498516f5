namespace Shoal.Api.V1Alpha1;

public static class CapacityTypes
{
    public const string Spot = "spot";
    public const string OnDemand = "on-demand";

    // Spot first; on-demand only for the part of a launch spot could not fill.
    public const string SpotThenOnDemand = "spot-then-on-demand";

    public static IReadOnlyList<string> All { get; } = [Spot, OnDemand, SpotThenOnDemand];
}
