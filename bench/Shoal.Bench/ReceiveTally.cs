using Shoal.Aws.Queue;

namespace Shoal.Bench;

/// <summary>
/// ISqsApi passed through, tallying ReceiveMessage calls: started, answered empty, and cancelled in flight.
/// AwsCallCounter records a request when its response arrives, so a long poll cancelled while it waits
/// (a worker retired on drain, the listener stopped) reached SQS but is not in that counter; this tally
/// puts it back in the bench's numbers.
/// </summary>
internal sealed class ReceiveTally(ISqsApi inner) : ISqsApi
{
    private long started;
    private long empty;
    private long answered;

    public long Started => Interlocked.Read(ref started);

    public long Empty => Interlocked.Read(ref empty);

    /// <summary>Started but never answered: cancelled (or failed) in flight.</summary>
    public long Unanswered => Started - Interlocked.Read(ref answered);

    public Task<string> CreateQueueAsync(string name, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken) => inner.CreateQueueAsync(name, attributes, cancellationToken);

    public Task<string> GetQueueUrlAsync(string name, CancellationToken cancellationToken) => inner.GetQueueUrlAsync(name, cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> GetQueueAttributesAsync(string queueUrl, IReadOnlyList<string> names, CancellationToken cancellationToken) => inner.GetQueueAttributesAsync(queueUrl, names, cancellationToken);

    public Task SetQueueAttributesAsync(string queueUrl, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken) => inner.SetQueueAttributesAsync(queueUrl, attributes, cancellationToken);

    public Task<string> SendMessageAsync(string queueUrl, string body, int delaySeconds, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken) => inner.SendMessageAsync(queueUrl, body, delaySeconds, attributes, cancellationToken);

    public async Task<IReadOnlyList<SqsMessage>> ReceiveMessagesAsync(string queueUrl, int max, int waitSeconds, int? visibilitySeconds, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref started);
        var messages = await inner.ReceiveMessagesAsync(queueUrl, max, waitSeconds, visibilitySeconds, cancellationToken);
        Interlocked.Increment(ref answered);
        if (messages.Count == 0)
        {
            Interlocked.Increment(ref empty);
        }

        return messages;
    }

    public Task ChangeMessageVisibilityAsync(string queueUrl, string receiptHandle, int visibilitySeconds, CancellationToken cancellationToken) => inner.ChangeMessageVisibilityAsync(queueUrl, receiptHandle, visibilitySeconds, cancellationToken);

    public Task DeleteMessageAsync(string queueUrl, string receiptHandle, CancellationToken cancellationToken) => inner.DeleteMessageAsync(queueUrl, receiptHandle, cancellationToken);
}
