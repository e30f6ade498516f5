using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Shoal.Aws.Queue;

/// <summary>
/// Forwards <see cref="ISqsApi"/> to the SDK client and maps its responses. SDK v4 returns null for
/// empty collections (an empty receive has Messages == null), so every collection is defaulted here
/// and nothing past this class sees a null list.
/// </summary>
public sealed class SqsApi(IAmazonSQS client) : ISqsApi
{
    // What the queue needs to know about each message: how often it was delivered (the engine
    // records poison redeliveries) and when it was sent (age in logs and metrics).
    private static readonly List<string> SystemAttributes = ["ApproximateReceiveCount", "SentTimestamp"];

    public async Task<string> CreateQueueAsync(string name, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken)
    {
        var response = await client.CreateQueueAsync(
            new CreateQueueRequest { QueueName = name, Attributes = attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal) },
            cancellationToken);
        return response.QueueUrl;
    }

    public async Task<string> GetQueueUrlAsync(string name, CancellationToken cancellationToken) =>
        (await client.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = name }, cancellationToken)).QueueUrl;

    public async Task<IReadOnlyDictionary<string, string>> GetQueueAttributesAsync(string queueUrl, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var response = await client.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = [.. names] },
            cancellationToken);
        return response.Attributes is { } found
            ? new Dictionary<string, string>(found, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
    }

    public Task SetQueueAttributesAsync(string queueUrl, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken) =>
        client.SetQueueAttributesAsync(
            new SetQueueAttributesRequest { QueueUrl = queueUrl, Attributes = attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal) },
            cancellationToken);

    public async Task<string> SendMessageAsync(string queueUrl, string body, int delaySeconds, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest { QueueUrl = queueUrl, MessageBody = body };
        if (delaySeconds > 0)
        {
            request.DelaySeconds = delaySeconds;
        }

        if (attributes is { Count: > 0 })
        {
            request.MessageAttributes = attributes.ToDictionary(a => a.Key, a => new MessageAttributeValue { DataType = "String", StringValue = a.Value }, StringComparer.Ordinal);
        }

        return (await client.SendMessageAsync(request, cancellationToken)).MessageId;
    }

    public async Task<IReadOnlyList<SqsMessage>> ReceiveMessagesAsync(string queueUrl, int max, int waitSeconds, int? visibilitySeconds, CancellationToken cancellationToken)
    {
        var request = new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = max,
            WaitTimeSeconds = waitSeconds,
            MessageSystemAttributeNames = SystemAttributes,
            MessageAttributeNames = ["All"],
        };
        if (visibilitySeconds is { } visibility)
        {
            request.VisibilityTimeout = visibility;
        }

        var response = await client.ReceiveMessageAsync(request, cancellationToken);
        return response.Messages is { } messages ? messages.Select(Map).ToList() : [];
    }

    public Task ChangeMessageVisibilityAsync(string queueUrl, string receiptHandle, int visibilitySeconds, CancellationToken cancellationToken) =>
        client.ChangeMessageVisibilityAsync(
            new ChangeMessageVisibilityRequest { QueueUrl = queueUrl, ReceiptHandle = receiptHandle, VisibilityTimeout = visibilitySeconds },
            cancellationToken);

    public Task DeleteMessageAsync(string queueUrl, string receiptHandle, CancellationToken cancellationToken) =>
        client.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = queueUrl, ReceiptHandle = receiptHandle }, cancellationToken);

    private static SqsMessage Map(Message message)
    {
        var attributes = message.Attributes;
        var receiveCount = attributes?.GetValueOrDefault("ApproximateReceiveCount") is { } count
            && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 1;
        DateTimeOffset? sentAt = attributes?.GetValueOrDefault("SentTimestamp") is { } sent
            && long.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        var own = message.MessageAttributes is { } values
            ? values.Where(a => a.Value.StringValue is not null).ToDictionary(a => a.Key, a => a.Value.StringValue, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        return new SqsMessage(message.MessageId ?? string.Empty, message.ReceiptHandle ?? string.Empty, message.Body ?? string.Empty, receiveCount, sentAt) { Attributes = own };
    }
}
