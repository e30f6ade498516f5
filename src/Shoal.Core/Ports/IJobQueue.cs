namespace Shoal.Core.Ports;

/// <summary>
/// The job queue with SQS semantics: a received message is invisible for its visibility timeout, comes
/// back if not deleted, and carries a fresh receipt handle on every receive (a stale handle may fail to
/// delete; the ledger makes that harmless). The engine deletes a message only after the job's terminal
/// record is written.
/// </summary>
public interface IJobQueue
{
    string Name { get; }

    /// <summary>
    /// For submitters, which register the job in the ledger right after: a queue that can carry it marks
    /// the message so (<see cref="QueueMessage.SenderRegisters"/>).
    /// </summary>
    Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> messages; waits up to <paramref name="wait"/> for the first one (long poll).</summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Heartbeat: keeps the message invisible for <paramref name="visibility"/> from now.</summary>
    Task ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancellationToken);

    /// <summary>Makes the message visible again after <paramref name="delay"/> (zero: at once).</summary>
    Task ReleaseAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Deletes the message and publishes <paramref name="resultJson"/> to the finished queue.</summary>
    Task CompleteAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken);

    /// <summary>Deletes the message and moves <paramref name="resultJson"/> to the dead-letter queue.</summary>
    Task DeadLetterAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken);

    Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken);
}
