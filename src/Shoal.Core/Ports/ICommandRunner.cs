namespace Shoal.Core.Ports;

/// <summary>
/// Runs a job's commands on a worker (SSM Run Command on AWS, bash in a sandbox locally).
/// Start throws <see cref="InfrastructureException"/> when the command cannot be delivered (agent not
/// registered, worker gone); any other exception is treated by the engine as transient.
/// </summary>
public interface ICommandRunner
{
    Task<CommandHandle> StartAsync(CommandRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Returns as soon as the command reaches a terminal state, or after <paramref name="maxWait"/> with
    /// its current state. A runner that cannot block (a polled API) may check once and then wait.
    /// </summary>
    Task<CommandStatus> WaitAsync(CommandHandle handle, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>The command's full standard output, however long (not an inline, truncated copy).</summary>
    Task<TextReader> OpenOutputAsync(CommandHandle handle, CancellationToken cancellationToken);

    Task CancelAsync(CommandHandle handle, CancellationToken cancellationToken);

    /// <summary>
    /// The command a <see cref="StartAsync"/> of this request (same worker, job and attempt) sent at or
    /// after <paramref name="sentAfter"/>, looked up on the backend: how a restarted host re-attaches to an
    /// attempt whose command id never reached the job record. Null when there is none, or when this
    /// runner cannot look commands up (the default): the caller cannot tell those apart and must treat
    /// the attempt as lost when its lease runs out.
    /// </summary>
    Task<CommandHandle?> FindAsync(CommandRequest request, DateTimeOffset sentAfter, CancellationToken cancellationToken) =>
        Task.FromResult<CommandHandle?>(null);
}
