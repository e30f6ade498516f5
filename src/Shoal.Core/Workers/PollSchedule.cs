namespace Shoal.Core.Workers;

/// <summary>
/// How long to wait between status checks of a running command: short at first so short jobs finish
/// promptly, then a tenth of the time the job has run so far, up to a ceiling, so a 12-hour job costs a
/// few hundred polls instead of the seed's fixed 5-second loop (8,640).
/// </summary>
public sealed record PollSchedule(TimeSpan First, TimeSpan Max)
{
    public static PollSchedule Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    public TimeSpan Next(TimeSpan elapsed)
    {
        var proportional = TimeSpan.FromTicks(elapsed.Ticks / 10);
        return proportional < First ? First : proportional > Max ? Max : proportional;
    }
}
