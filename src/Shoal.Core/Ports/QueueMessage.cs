namespace Shoal.Core.Ports;

public sealed record QueueMessage(string MessageId, string ReceiptHandle, string Body, int ReceiveCount, DateTimeOffset SentAt)
{
    /// <summary>
    /// The sender records the job as QUEUED in the ledger right after sending it (Shoal's submitter and
    /// ingest do; `aws sqs send-message` does not). A hint that lets a worker claim without reading the
    /// record first; the claim's condition, not this flag, decides.
    /// </summary>
    public bool SenderRegisters { get; init; }
}
