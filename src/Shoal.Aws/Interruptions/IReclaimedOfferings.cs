namespace Shoal.Aws.Interruptions;

/// <summary>
/// Learns from a spot interruption warning that the instance's offering (type, zone, spot) is being
/// reclaimed, so the replacement launches elsewhere instead of into the same shrinking pool.
/// </summary>
public interface IReclaimedOfferings
{
    /// <summary>False when the instance is not one this knows (another pool's, or adopted and never described).</summary>
    bool MarkReclaimed(string instanceId);
}
