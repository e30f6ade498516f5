using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Aws.Errors;
using Shoal.Aws.Queue;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Workers;

namespace Shoal.Aws.Ingest;

/// <summary>
/// The seed's S3 trigger, fixed: reads S3 ObjectCreated events from the ingest queue, and turns each
/// executable into one job on the job queue whose id is the object key (decoded). An event message
/// is deleted only after its jobs are on the job queue, so nothing is lost; the ledger record written
/// at ingest makes a duplicate event (S3 delivers at least once) a no-op, and the engine's claim
/// keeps even a duplicate job message from running twice.
/// </summary>
public sealed class S3JobIngest : IJobIngest
{
    private static readonly string[] DepthAttributes =
    [
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
    ];

    private readonly ISqsApi sqs;
    private readonly S3IngestOptions options;
    private readonly IJobQueue jobs;
    private readonly IJobLedger ledger;
    private readonly AwsRetry retry;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    public S3JobIngest(ISqsApi sqs, S3IngestOptions options, IJobQueue jobs, IJobLedger ledger, AwsRetry retry, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(retry);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.QueueUrl);
        ArgumentException.ThrowIfNullOrEmpty(options.ExecutableSuffix);
        this.sqs = sqs;
        this.options = options;
        this.jobs = jobs;
        this.ledger = ledger;
        this.retry = retry;
        this.time = time;
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Handles what the ingest queue holds now. Returns the jobs submitted plus the events still in the
    /// ingest queue (in flight after a failure, or not yet received): non-zero means more may come.
    /// </summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        var submitted = 0;
        var waitSeconds = SqsLimits.Seconds(options.PollWait, SqsLimits.MaxWaitSeconds);
        var visibilitySeconds = SqsLimits.Seconds(options.Visibility, SqsLimits.MaxVisibilitySeconds);
        for (var batch = 0; batch < Math.Max(1, options.MaxBatchesPerPoll); batch++)
        {
            var wait = batch == 0 ? waitSeconds : 0;
            var messages = await retry.RunAsync(ct => sqs.ReceiveMessagesAsync(options.QueueUrl, SqsLimits.MaxBatch, wait, visibilitySeconds, ct), cancellationToken);
            foreach (var message in messages)
            {
                try
                {
                    submitted += await HandleAsync(message, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Left in the ingest queue: it comes back after its visibility timeout and is tried
                    // again; jobs it already submitted are in the ledger and are not sent twice.
                    var (reason, text) = AwsErrorClassifier.ToReasonMessage(e);
                    logger.LogWarning(e, "S3 ingest: event message {MessageId} could not be turned into jobs ({Reason}: {Error}); it will be retried", message.MessageId, reason, text);
                    continue;
                }

                await DeleteAsync(message, cancellationToken);
            }

            if (messages.Count < SqsLimits.MaxBatch)
            {
                break;
            }
        }

        return submitted + await RemainingAsync(cancellationToken);
    }

    /// <summary>Jobs submitted for one event message; throws when it must be tried again.</summary>
    private async Task<int> HandleAsync(SqsMessage message, CancellationToken cancellationToken)
    {
        var parsed = S3EventMessage.Parse(message.Body);
        switch (parsed.Kind)
        {
            case S3EventKind.Test:
                logger.LogDebug("S3 ingest: test event {MessageId} from the bucket notification set-up", message.MessageId);
                return 0;
            case S3EventKind.Malformed:
                // Nothing can ever make it a job, and keeping it would only block the queue.
                logger.LogWarning("S3 ingest: message {MessageId} is not an S3 event ({Problem}); deleting it. Body: {Body}", message.MessageId, parsed.Problem, Escape(message.Body, 500));
                return 0;
        }

        var submitted = 0;
        foreach (var objectEvent in parsed.Events)
        {
            if (await SubmitAsync(objectEvent, cancellationToken))
            {
                submitted++;
            }
        }

        return submitted;
    }

    private async Task<bool> SubmitAsync(S3ObjectEvent objectEvent, CancellationToken cancellationToken)
    {
        var (bucket, key) = (objectEvent.Bucket, objectEvent.Key);
        if (!objectEvent.EventName.StartsWith("ObjectCreated:", StringComparison.Ordinal) && !objectEvent.EventName.StartsWith("s3:ObjectCreated:", StringComparison.Ordinal))
        {
            logger.LogDebug("S3 ingest: ignoring {Event} of s3://{Bucket}/{Key}", objectEvent.EventName, bucket, Escape(key));
            return false;
        }

        if (options.Bucket is { } expected && !string.Equals(bucket, expected, StringComparison.Ordinal))
        {
            logger.LogWarning("S3 ingest: ignoring an event of bucket {Bucket}; this ingest reads {Expected} only", bucket, expected);
            return false;
        }

        if (!key.EndsWith(options.ExecutableSuffix, StringComparison.Ordinal)
            || (options.Prefix is { Length: > 0 } prefix && !key.StartsWith(prefix, StringComparison.Ordinal)))
        {
            logger.LogDebug("S3 ingest: s3://{Bucket}/{Key} is not an executable to run (suffix {Suffix}, prefix {Prefix})", bucket, Escape(key), options.ExecutableSuffix, options.Prefix);
            return false;
        }

        if (key.LastIndexOf('/') <= 0)
        {
            // The job's folder is what is downloaded and uploaded back: the bucket's root is no job folder.
            logger.LogWarning("S3 ingest: s3://{Bucket}/{Key} is not inside a folder; upload each job into its own folder, executable last", bucket, Escape(key));
            return false;
        }

        // Only now: a result file with an odd name is no job and needs no record.
        if (Rejection(key) is { } problem)
        {
            await RecordInvalidAsync(bucket, key, objectEvent.Raw, problem, cancellationToken);
            return false;
        }

        if (await ledger.GetAsync(key, cancellationToken) is { } known)
        {
            logger.LogInformation("S3 ingest: job {JobId} is already known ({Status}); a repeated event of the same upload is not run again. To run it again, upload into a new folder", key, known.Status);
            return false;
        }

        var body = S3IngestJob.Compose(bucket, key, options);
        var job = JobMessageParser.Parse(body, new JobDefaults { Platform = options.Platform });
        if (job.Job is not { } spec)
        {
            await RecordInvalidAsync(bucket, key, objectEvent.Raw, job.ErrorText, cancellationToken);
            return false;
        }

        await jobs.SendAsync(body, TimeSpan.Zero, cancellationToken);

        // After the send, never before: a crash in between sends the job again on the event's next
        // delivery, and the engine's claim lets only one copy run. Registering first could leave a
        // record with no message behind it, a job that never runs. False here means a worker already
        // claimed the job: also fine.
        await ledger.TryWriteAsync(null, JobTransitions.Registered(jobs.Name, spec, body, time.GetUtcNow()), cancellationToken);
        logger.LogInformation("S3 ingest: submitted job {JobId} from s3://{Bucket}/{Key}", key, bucket, key);
        return true;
    }

    /// <summary>Why a key can never name a job, or null; it leads the record's message, so it comes first and says what to do.</summary>
    private static string? Rejection(string key)
    {
        if (key.Length > JobMessageParser.MaxJobIdLength)
        {
            return $"the object key is {key.Length} characters long; a job id may have at most {JobMessageParser.MaxJobIdLength}. Use a shorter key";
        }

        for (var i = 0; i < key.Length; i++)
        {
            if (char.IsControl(key[i]))
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"the object key contains a control character (U+{(int)key[i]:X4} at position {i}); rename the object with printable characters only");
            }
        }

        return null;
    }

    private async Task RecordInvalidAsync(string bucket, string key, JsonNode rawEvent, string problem, CancellationToken cancellationToken)
    {
        // The key itself cannot be the id (that is the problem), so the id is derived from it: the
        // same bad upload always maps to the same record, and a repeated event finds it.
        var jobId = "invalid-s3-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bucket + "/" + key)))[..32];
        var existing = await ledger.GetAsync(jobId, cancellationToken);
        if (existing is not null)
        {
            return;
        }

        var body = new JsonObject { ["bucket"] = bucket, ["key"] = key, ["event"] = rawEvent.DeepClone() }.ToJsonString();
        var record = JobTransitions.Invalid(null, jobs.Name, jobId, body, $"{problem} (s3://{bucket}/{Escape(key, 120)} cannot become a job)", time.GetUtcNow());
        await ledger.TryWriteAsync(null, record, cancellationToken);
        logger.LogWarning("S3 ingest: s3://{Bucket}/{Key} recorded as {JobId} (InvalidJob): {Problem}", bucket, Escape(key), jobId, problem);
    }

    private async Task DeleteAsync(SqsMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await retry.RunAsync(ct => sqs.DeleteMessageAsync(options.QueueUrl, message.ReceiptHandle, ct), cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            // Already gone, or received again elsewhere: its jobs are in the ledger either way.
        }
    }

    private async Task<int> RemainingAsync(CancellationToken cancellationToken)
    {
        var attributes = await retry.RunAsync(ct => sqs.GetQueueAttributesAsync(options.QueueUrl, DepthAttributes, ct), cancellationToken);
        var total = 0L;
        foreach (var name in DepthAttributes)
        {
            if (attributes.TryGetValue(name, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                total += count;
            }
        }

        return (int)Math.Min(total, int.MaxValue / 2);
    }

    // Control characters shown as escapes, so a log line or record message cannot be forged by a key.
    private static string Escape(string text, int max = 300)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Length > max ? text[..max] + "..." : text)
        {
            builder.Append(char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c);
        }

        return builder.ToString();
    }
}
