namespace Shoal.Local.Fleet;

public sealed record LocalFleetOptions
{
    /// <summary>Root of the state directory; workers get sandboxes under workers/, outputs go to outputs/.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Simulated boot time before a worker's agent is ready (zero: ready at once).</summary>
    public TimeSpan BootDelay { get; init; }

    /// <summary>Chance that a spot reclaim hits a worker during any one attempt (0 disables).</summary>
    public double InterruptProbability { get; init; }

    /// <summary>Seed of the interruption dice, so a demo or a chaos test can be replayed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A reclaim lands at a random moment in this window after the attempt starts (or as it ends, if sooner).</summary>
    public TimeSpan InterruptWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Characters of stdout kept as the record's output tail.</summary>
    public int OutputTailChars { get; init; } = 4000;
}
