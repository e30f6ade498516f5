namespace Shoal.Local.Fleet;

/// <summary>
/// Seeded dice for simulated spot reclaims: each attempt is hit with the configured probability, at a
/// random moment of the window. One shared, locked generator so a seed replays the same sequence of
/// decisions in the order attempts start.
/// </summary>
public sealed class InterruptionSimulator(double probability, int seed, TimeSpan window)
{
    private readonly Random random = new(seed);

    public double Probability { get; } = probability;

    /// <summary>Null when this attempt is spared; else how long after its start the reclaim lands.</summary>
    public TimeSpan? Next()
    {
        if (Probability <= 0)
        {
            return null;
        }

        lock (random)
        {
            return random.NextDouble() < Probability ? window * random.NextDouble() : null;
        }
    }
}
