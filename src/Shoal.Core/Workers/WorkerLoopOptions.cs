namespace Shoal.Core.Workers;

public sealed record WorkerLoopOptions
{
    /// <summary>Give up on a worker whose agent never becomes ready, and replace it.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan ReadinessPoll { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest single receive wait; SQS allows 20 seconds.</summary>
    public TimeSpan MaxReceiveWait { get; init; } = TimeSpan.FromSeconds(20);

    public PollSchedule Poll { get; init; } = PollSchedule.Default;

    /// <summary>A command that cannot be observed for this long is treated as lost with its worker.</summary>
    public TimeSpan LostCommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long after its own timeout a command is cancelled by the engine if the runner did not stop it.</summary>
    public TimeSpan TimeoutGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>This many infrastructure failures in a row on one worker mark it broken: it retires and is replaced.</summary>
    public int MaxConsecutiveInfrastructureFailures { get; init; } = 3;

    /// <summary>This many unexpected errors in a row (ledger or queue unreachable) make the worker retire.</summary>
    public int MaxConsecutiveErrors { get; init; } = 5;

    public TimeSpan ErrorBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// True: the command id is written to the job record right after the command starts (one ledger
    /// write per attempt), so a restarted host finds it there. False: it rides on the first lease renewal
    /// and on the outcome, saving that write; until then a restarted host must find the command through
    /// <see cref="Ports.ICommandRunner.FindAsync"/>, so only turn it off for runners that implement it.
    /// </summary>
    public bool WriteCommandIdAtStart { get; init; } = true;

    /// <summary>Bytes of stdout kept on the job record; the full output stays with the runner.</summary>
    public int OutputTailChars { get; init; } = 4000;
}
