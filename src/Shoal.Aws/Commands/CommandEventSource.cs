using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Shoal.Aws.Commands;

/// <summary>
/// Reads SSM's "EC2 Command Invocation Status-change Notification" events, which an EventBridge rule
/// (source aws.ssm, that detail-type) delivers to an SQS queue, and wakes the runner's waits when an
/// invocation ends. Events are hints: the runner still reads the outcome with GetCommandInvocation,
/// and keeps a slow safety-net poll for events that never come. Use one queue per operator process:
/// an event consumed by another process is lost to this one (it then finds out by its safety-net poll).
/// </summary>
public sealed class CommandEventSource(IAmazonSQS sqs, string queueUrl, SsmCommandRunner runner, TimeProvider time, ILogger? logger = null)
{
    public const string DetailType = "EC2 Command Invocation Status-change Notification";

    private readonly ILogger logger = logger ?? NullLogger.Instance;
    private long receives;
    private long emptyReceives;
    private long events;

    /// <summary>Receives answered (long polls cancelled on stop are not).</summary>
    public long Receives => Interlocked.Read(ref receives);

    /// <summary>Receives that brought nothing: the cost of listening while no command ends.</summary>
    public long EmptyReceives => Interlocked.Read(ref emptyReceives);

    /// <summary>Invocation status changes handed to the runner.</summary>
    public long Events => Interlocked.Read(ref events);

    /// <summary>Receives until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        try
        {
            while (true)
            {
                List<Message> messages;
                try
                {
                    var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 20 }, cancellationToken);
                    messages = received.Messages ?? [];
                    backoff = TimeSpan.FromSeconds(1);
                    Interlocked.Increment(ref receives);
                    if (messages.Count == 0)
                    {
                        Interlocked.Increment(ref emptyReceives);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Without events the runner must notice completions by polling again.
                    runner.OnEventsStopped();
                    logger.LogWarning(e, "Cannot read SSM events from {Queue}; commands are polled until it works again", queueUrl);
                    await Task.Delay(backoff, time, cancellationToken);
                    backoff = backoff * 2 > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : backoff * 2;
                    continue;
                }

                foreach (var message in messages)
                {
                    if (Parse(message.Body) is { } change)
                    {
                        Interlocked.Increment(ref events);
                        runner.OnStatusChanged(change.CommandId, change.InstanceId, change.Status);
                    }
                    else
                    {
                        logger.LogDebug("Ignoring a message on {Queue} that is not an SSM invocation status change: {Body}", queueUrl, message.Body.Length > 200 ? message.Body[..200] : message.Body);
                    }
                }

                await DeleteAsync(messages, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            runner.OnEventsStopped();
        }
    }

    /// <summary>(command id, instance id, status) of an invocation status-change event; null for anything else.</summary>
    internal static (string CommandId, string InstanceId, string Status)? Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || Text(root, "source") != "aws.ssm"
                || Text(root, "detail-type") != DetailType
                || !root.TryGetProperty("detail", out var detail)
                || detail.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return (Text(detail, "command-id"), Text(detail, "instance-id"), Text(detail, "status")) is ({ Length: > 0 } command, { Length: > 0 } instance, { Length: > 0 } status)
                ? (command, instance, status)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task DeleteAsync(List<Message> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        try
        {
            var entries = messages.Select((m, i) => new DeleteMessageBatchRequestEntry { Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ReceiptHandle = m.ReceiptHandle }).ToList();
            await sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest { QueueUrl = queueUrl, Entries = entries }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only a hint comes back later, twice; nothing depends on it being seen once.
            logger.LogWarning(e, "Could not delete SSM events from {Queue}", queueUrl);
        }
    }
}
