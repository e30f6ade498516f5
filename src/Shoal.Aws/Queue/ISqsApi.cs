namespace Shoal.Aws.Queue;

/// <summary>
/// The SQS calls Shoal makes, and no others, in our own types. <see cref="SqsApi"/> forwards them to
/// the SDK; tests put a scripted fake here to inject faults that moto cannot produce.
/// Errors are the SDK's exceptions, unchanged: callers classify them with the one classifier.
/// </summary>
public interface ISqsApi
{
    /// <summary>Creates the queue, or returns the URL of an existing one whose attributes are the same.</summary>
    Task<string> CreateQueueAsync(string name, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken);

    Task<string> GetQueueUrlAsync(string name, CancellationToken cancellationToken);

    /// <summary>Only the attributes SQS returned; an empty map when there were none.</summary>
    Task<IReadOnlyDictionary<string, string>> GetQueueAttributesAsync(string queueUrl, IReadOnlyList<string> names, CancellationToken cancellationToken);

    Task SetQueueAttributesAsync(string queueUrl, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken);

    /// <summary>Returns the new message's id. <paramref name="attributes"/> become String message attributes.</summary>
    Task<string> SendMessageAsync(string queueUrl, string body, int delaySeconds, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="max"/> messages (1–10), long-polling up to <paramref name="waitSeconds"/> (0–20).
    /// A null <paramref name="visibilitySeconds"/> keeps the queue's own visibility timeout.
    /// </summary>
    Task<IReadOnlyList<SqsMessage>> ReceiveMessagesAsync(string queueUrl, int max, int waitSeconds, int? visibilitySeconds, CancellationToken cancellationToken);

    Task ChangeMessageVisibilityAsync(string queueUrl, string receiptHandle, int visibilitySeconds, CancellationToken cancellationToken);

    Task DeleteMessageAsync(string queueUrl, string receiptHandle, CancellationToken cancellationToken);
}
