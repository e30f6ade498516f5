namespace Shoal.Aws.Fleet;

/// <summary>EC2's capacity type names, which are also the values a WorkerPool's capacity field uses.</summary>
public static class Ec2CapacityTypes
{
    public const string Spot = "spot";
    public const string OnDemand = "on-demand";

    /// <summary>Spot first; on-demand only for the part of a launch spot could not fill.</summary>
    public const string SpotThenOnDemand = "spot-then-on-demand";

    public static IReadOnlyList<string> All { get; } = [Spot, OnDemand, SpotThenOnDemand];
}
