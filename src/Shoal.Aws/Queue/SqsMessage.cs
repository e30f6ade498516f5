namespace Shoal.Aws.Queue;

/// <summary>
/// A received SQS message, mapped at the SDK boundary. ReceiveCount and SentAt come from the
/// ApproximateReceiveCount and SentTimestamp system attributes; SentAt is null when SQS left it out.
/// </summary>
public sealed record SqsMessage(string MessageId, string ReceiptHandle, string Body, int ReceiveCount, DateTimeOffset? SentAt)
{
    /// <summary>The message's String attributes (the sender's, not SQS's system attributes).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
