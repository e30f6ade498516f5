namespace Shoal.Api.V1Alpha1;

// The EC2 Fleet spot allocation strategies, spelled as the EC2 API spells them.
public static class AllocationStrategies
{
    public const string PriceCapacityOptimized = "price-capacity-optimized";
    public const string CapacityOptimized = "capacity-optimized";
    public const string LowestPrice = "lowest-price";
    public const string Diversified = "diversified";

    public static IReadOnlyList<string> All { get; } = [PriceCapacityOptimized, CapacityOptimized, LowestPrice, Diversified];
}
