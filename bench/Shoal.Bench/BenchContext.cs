namespace Shoal.Bench;

/// <summary>What every scenario gets: the command-line switches and the results file.</summary>
internal sealed record BenchContext
{
    /// <summary>A tenth of the jobs: for checking the bench itself, never for recorded numbers.</summary>
    public bool Quick { get; init; }

    /// <summary>Timing decorators around the ports (a few microseconds per call).</summary>
    public bool Trace { get; init; } = true;

    public required StateDirectories States { get; init; }

    public required ResultsFile Results { get; init; }

    public int Scaled(int jobs) => Quick ? Math.Max(50, jobs / 10) : jobs;
}
