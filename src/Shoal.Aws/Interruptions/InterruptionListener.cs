using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Aws.Errors;
using Shoal.Aws.Queue;

namespace Shoal.Aws.Interruptions;

/// <summary>
/// Long-polls the SQS queue that EventBridge feeds with spot interruption warnings, rebalance
/// recommendations, state changes and scheduled changes, and hands each message to the handler. Every
/// message is deleted once handled: malformed and foreign ones too, so none is retried forever.
/// </summary>
public sealed class InterruptionListener(ISqsApi sqs, string queueUrl, InterruptionHandler handler, AwsRetry retry, TimeProvider time, ILogger? logger = null)
{
    private readonly ILogger logger = logger ?? NullLogger.Instance;
    private long handled;

    public long Handled => Interlocked.Read(ref handled);

    /// <summary>Receives until cancelled; errors are logged and retried after a pause, never fatal.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(20, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var (reason, message) = AwsErrorClassifier.ToReasonMessage(e);
                logger.LogWarning("Interruption queue {Queue}: {Reason} {Message}; trying again in 5 s", queueUrl, reason, message);
                await Task.Delay(TimeSpan.FromSeconds(5), time, cancellationToken);
            }
        }
    }

    /// <summary>One receive (up to 10 messages); returns how many were processed.</summary>
    public async Task<int> PollOnceAsync(int waitSeconds, CancellationToken cancellationToken)
    {
        var messages = await retry.RunAsync(ct => sqs.ReceiveMessagesAsync(queueUrl, 10, waitSeconds, null, ct), cancellationToken);
        foreach (var message in messages)
        {
            handler.Handle(message.Body);
            Interlocked.Increment(ref handled);
            await retry.RunAsync(ct => sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle, ct), cancellationToken);
        }

        return messages.Count;
    }
}
