namespace Shoal.Core.Workers;

/// <summary>
/// How long to wait between status checks of a running command: <see cref="First"/> at first so short
/// jobs finish promptly, then <see cref="Growth"/> times the time the job has run so far, up to
/// <see cref="Max"/>. A check then lands at most Growth × the run time after the command ends (and at
/// most Max), so Growth trades requests for latency: the default 0.1 costs about 30 checks for a 1-minute
/// job and at most 10 % extra; <see cref="Doubling"/> (1.0) costs 7 and up to 100 %. A 12-hour job
/// costs a few hundred checks with either, instead of the seed's fixed 5-second loop (8,640).
/// </summary>
public sealed record PollSchedule(TimeSpan First, TimeSpan Max, double Growth = PollSchedule.DefaultGrowth)
{
    public const double DefaultGrowth = 0.1;

    public double Growth { get; init; } = Growth > 0 && double.IsFinite(Growth)
        ? Growth
        : throw new ArgumentOutOfRangeException(nameof(Growth), Growth, "a poll schedule's growth must be a positive number (0.1: each wait a tenth of the run time so far; 1.0: doubling)");

    public static PollSchedule Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    /// <summary>
    /// For runners that pay a request per check and have no completion events: checks at 1, 2, 4, 8 … s
    /// of run time, then every minute (7 checks for a 1-minute job, 66 for an hour).
    /// </summary>
    public static PollSchedule Doubling { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 1.0);

    public TimeSpan Next(TimeSpan elapsed)
    {
        var proportional = TimeSpan.FromTicks((long)Math.Min(elapsed.Ticks * Growth, TimeSpan.MaxValue.Ticks / 2.0));
        return proportional < First ? First : proportional > Max ? Max : proportional;
    }
}
