using Shoal.Core.Ports;

namespace Shoal.Core.Tests.Fakes;

/// <summary>What one attempt of a job does on the fake runner.</summary>
public sealed record RunScript
{
    /// <summary>The status the command ends with.</summary>
    public CommandStatus Result { get; init; } = new(CommandState.Completed, 0);

    /// <summary>Fake time from start to <see cref="Result"/>; null: the command never ends by itself.</summary>
    public TimeSpan? Duration { get; init; } = TimeSpan.Zero;

    /// <summary>The full standard output, as OpenOutputAsync returns it.</summary>
    public string Output { get; init; } = "";

    /// <summary>Thrown by StartAsync instead of starting anything.</summary>
    public Exception? StartError { get; init; }

    /// <summary>WaitAsync throws for this long after the start, as an unreachable agent API would.</summary>
    public TimeSpan PollErrorsFor { get; init; }

    public static RunScript Succeeds(TimeSpan after = default, string output = "") =>
        new() { Result = new CommandStatus(CommandState.Completed, 0, Tail(output)), Duration = after, Output = output };

    public static RunScript Exits(int exitCode, TimeSpan after = default, string output = "") =>
        new() { Result = new CommandStatus(CommandState.Completed, exitCode, Tail(output)), Duration = after, Output = output };

    public static RunScript Ends(CommandState state, TimeSpan after = default, string? detail = null) =>
        new() { Result = new CommandStatus(state, Detail: detail), Duration = after };

    public static RunScript Hangs() => new() { Duration = null };

    public static RunScript FailsToStart(string reason = "Undeliverable") =>
        new() { StartError = new InfrastructureException(reason, $"scripted: {reason}") };

    // What an SSM-style API returns inline: only the first 24,000 characters.
    private static string Tail(string output) => output.Length <= 24_000 ? output : output[..24_000];
}
