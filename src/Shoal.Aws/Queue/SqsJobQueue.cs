using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Aws.Errors;
using Shoal.Core.Ports;

namespace Shoal.Aws.Queue;

/// <summary>
/// The job queue on SQS. A message stays in the queue until the engine has written the job's terminal
/// record and calls <see cref="CompleteAsync"/> or <see cref="DeadLetterAsync"/>; heartbeats and retry
/// backoff are visibility changes. Every call goes through <see cref="AwsRetry"/>.
/// </summary>
public sealed class SqsJobQueue : IJobQueue
{
    /// <summary>
    /// Marks what <see cref="SendAsync"/> sends: Shoal's submitters register the job right after, so a
    /// worker may claim it assuming the QUEUED record (QueueMessage.SenderRegisters). The body stays the seed's.
    /// </summary>
    public const string SenderRegistersAttribute = "shoal.sender-registers";

    private static readonly TimeSpan VisibilityCeiling = TimeSpan.FromSeconds(SqsLimits.MaxVisibilitySeconds);

    private static readonly Dictionary<string, string> SenderRegistersMark = new(StringComparer.Ordinal) { [SenderRegistersAttribute] = "1" };

    private static readonly string[] DepthAttributes =
    [
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
    ];

    private readonly ISqsApi sqs;
    private readonly SqsQueueUrls urls;
    private readonly AwsRetry retry;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    // When each handle's receive began. SQS counts the 12-hour visibility ceiling from the receive and
    // rejects a change that would pass it, so a heartbeat of a long job must stop extending at the
    // ceiling and leave the job to the ledger lease. Taken before the call, so the budget errs short.
    private readonly ConcurrentDictionary<string, DateTimeOffset> receivedAt = new(StringComparer.Ordinal);
    private long nextPruneTicks;
    private DeadLetterCount? deadLettered;

    public SqsJobQueue(ISqsApi sqs, SqsQueueUrls urls, AwsRetry retry, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(retry);
        ArgumentNullException.ThrowIfNull(time);
        this.sqs = sqs;
        this.urls = urls;
        this.retry = retry;
        this.time = time;
        this.logger = logger ?? NullLogger.Instance;
    }

    public string Name => urls.Name;

    public SqsQueueUrls Urls => urls;

    public Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (delay > TimeSpan.FromSeconds(SqsLimits.MaxDelaySeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, $"SQS delays a message by at most {SqsLimits.MaxDelaySeconds} s (15 minutes).");
        }

        var seconds = SqsLimits.Seconds(delay, SqsLimits.MaxDelaySeconds);
        return retry.RunAsync(ct => sqs.SendMessageAsync(urls.QueueUrl, body, seconds, SenderRegistersMark, ct), cancellationToken);
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibility, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);

        // One long poll of at most 20 s: the interface promises "up to wait", and the engine calls
        // again when it still has time, so looping here would only hide the loop's own bookkeeping.
        var count = Math.Min(max, SqsLimits.MaxBatch);
        var waitSeconds = SqsLimits.Seconds(wait, SqsLimits.MaxWaitSeconds);
        var visibilitySeconds = SqsLimits.Seconds(visibility, SqsLimits.MaxVisibilitySeconds);
        var started = time.GetUtcNow();
        Forget(started - VisibilityCeiling);
        var messages = await retry.RunAsync(ct => sqs.ReceiveMessagesAsync(urls.QueueUrl, count, waitSeconds, visibilitySeconds, ct), cancellationToken);

        var received = new List<QueueMessage>(messages.Count);
        foreach (var message in messages)
        {
            receivedAt[message.ReceiptHandle] = started;
            received.Add(new QueueMessage(message.MessageId, message.ReceiptHandle, message.Body, message.ReceiveCount, message.SentAt ?? started)
            {
                SenderRegisters = message.Attributes.TryGetValue(SenderRegistersAttribute, out var mark) && mark == "1",
            });
        }

        return received;
    }

    public async Task ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibility, TimeSpan.Zero);
        var seconds = Within12Hours(message, visibility);
        if (seconds <= 0)
        {
            // At the ceiling SQS will show the message again whatever we ask; the worker keeps
            // renewing its ledger lease, so whoever receives it next sees the job held and backs off.
            logger.LogDebug("Message {MessageId} of {Queue} reached SQS's 12-hour visibility ceiling; the ledger lease holds the job from here", message.MessageId, Name);
            return;
        }

        await ChangeVisibilityAsync(message, seconds, cancellationToken);
    }

    public async Task ReleaseAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);

        // A delay past the ceiling cannot be had: the message comes back at the ceiling instead, and
        // the engine releases it again if the job is still held or backing off.
        await ChangeVisibilityAsync(message, Math.Max(0, Within12Hours(message, delay)), cancellationToken);
        receivedAt.TryRemove(message.ReceiptHandle, out _);
    }

    public Task CompleteAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken) =>
        PublishThenDeleteAsync(message, resultJson, urls.FinishedUrl, cancellationToken);

    public Task DeadLetterAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken) =>
        PublishThenDeleteAsync(message, resultJson, urls.DeadLetterUrl, cancellationToken);

    /// <summary>
    /// How old the dead-letter count in <see cref="GetDepthAsync"/> may be. Scaling and "drained" read only
    /// the job queue; the dead-letter count is for status, so it is re-read at most this often, which halves
    /// what a depth check costs. Zero: every time.
    /// </summary>
    public TimeSpan DeadLetterDepthMaxAge { get; init; } = TimeSpan.FromMinutes(1);

    public async Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken)
    {
        var queue = retry.RunAsync(ct => sqs.GetQueueAttributesAsync(urls.QueueUrl, DepthAttributes, ct), cancellationToken);
        var known = Volatile.Read(ref deadLettered);
        var deadLetter = known is not null && time.GetUtcNow() - known.At < DeadLetterDepthMaxAge
            ? null
            : retry.RunAsync(ct => sqs.GetQueueAttributesAsync(urls.DeadLetterUrl, DepthAttributes, ct), cancellationToken);
        var main = await queue;
        if (deadLetter is not null)
        {
            var dead = await deadLetter;
            known = new DeadLetterCount(Count(dead, DepthAttributes[0]) + Count(dead, DepthAttributes[1]) + Count(dead, DepthAttributes[2]), time.GetUtcNow());
            Volatile.Write(ref deadLettered, known);
        }

        return new QueueDepth(
            Count(main, DepthAttributes[0]),
            Count(main, DepthAttributes[1]),
            Count(main, DepthAttributes[2]),
            known!.Count);
    }

    private async Task PublishThenDeleteAsync(QueueMessage message, string resultJson, string? targetUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(resultJson);

        // Publish first: a crash between the two leaves the job message in the queue, and its next
        // receiver finds the terminal record in the ledger and publishes again. The reverse order
        // could lose the result. Consumers therefore key on job_id, as duplicates are possible.
        if (targetUrl is not null)
        {
            await retry.RunAsync(ct => sqs.SendMessageAsync(targetUrl, resultJson, 0, null, ct), cancellationToken);
        }

        try
        {
            await retry.RunAsync(ct => sqs.DeleteMessageAsync(urls.QueueUrl, message.ReceiptHandle, ct), cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            // The handle is stale: the message was received again by someone else (who will delete
            // it after finding the terminal record) or is already gone.
            logger.LogDebug("Deleting message {MessageId} of {Queue}: the receipt handle is no longer valid ({Error})", message.MessageId, Name, e.Message);
        }
        finally
        {
            receivedAt.TryRemove(message.ReceiptHandle, out _);
        }
    }

    private async Task ChangeVisibilityAsync(QueueMessage message, int seconds, CancellationToken cancellationToken)
    {
        try
        {
            await retry.RunAsync(ct => sqs.ChangeMessageVisibilityAsync(urls.QueueUrl, message.ReceiptHandle, seconds, ct), cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            // A stale handle (the message was deleted, or received again elsewhere): nothing of ours
            // to change. The ledger, not the message, says who runs the job.
            logger.LogDebug("Changing visibility of message {MessageId} of {Queue}: the receipt handle is no longer valid ({Error})", message.MessageId, Name, e.Message);
        }
    }

    /// <summary>The wanted visibility in seconds, cut to what is left of the handle's 12 hours (may be ≤ 0).</summary>
    private int Within12Hours(QueueMessage message, TimeSpan wanted)
    {
        var seconds = SqsLimits.Seconds(wanted, SqsLimits.MaxVisibilitySeconds);
        if (!receivedAt.TryGetValue(message.ReceiptHandle, out var at))
        {
            return seconds;
        }

        var left = (int)Math.Floor((at + VisibilityCeiling - time.GetUtcNow()).TotalSeconds);
        return Math.Min(seconds, left);
    }

    // Handles past the ceiling can no longer be extended anyway; dropping them bounds the map when the
    // engine abandons a handle (a lost lease) without completing or releasing it.
    private void Forget(DateTimeOffset before)
    {
        var now = time.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref nextPruneTicks);
        if (now < due || Interlocked.CompareExchange(ref nextPruneTicks, now + TimeSpan.TicksPerMinute, due) != due)
        {
            return; // once a minute is plenty, and keeps thousands of workers' receives from each walking the map
        }

        foreach (var (handle, at) in receivedAt)
        {
            if (at < before)
            {
                receivedAt.TryRemove(handle, out _);
            }
        }
    }

    private static long Count(IReadOnlyDictionary<string, string> attributes, string name) =>
        attributes.TryGetValue(name, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;

    private sealed record DeadLetterCount(long Count, DateTimeOffset At);
}
