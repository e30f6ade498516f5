using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Aws.Errors;
using Shoal.Aws.Queue;

namespace Shoal.Aws.Ingest;

/// <summary>
/// Wires a bucket to an ingest queue: the queue (with a policy that lets S3 send to it, for queues
/// Shoal creates) and the bucket's ObjectCreated notification with the suffix (and prefix) filter.
/// S3 then posts an s3:TestEvent, which <see cref="S3JobIngest"/> drops.
/// This set-up code talks to IAmazonS3 directly: keeping the bucket's other notification entries
/// intact needs the SDK's whole configuration model, which a narrow interface would only copy.
/// </summary>
public sealed class S3IngestProvisioner
{
    private const string Arn = "QueueArn";

    private readonly ISqsApi sqs;
    private readonly IAmazonS3 s3;
    private readonly AwsRetry retry;
    private readonly SqsQueueProvisioner queues;
    private readonly ILogger logger;

    public S3IngestProvisioner(ISqsApi sqs, IAmazonS3 s3, AwsRetry retry, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(retry);
        this.sqs = sqs;
        this.s3 = s3;
        this.retry = retry;
        this.logger = logger ?? NullLogger.Instance;
        queues = new SqsQueueProvisioner(sqs, retry, logger);
    }

    public async Task<S3IngestSetup> EnsureAsync(S3IngestSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Bucket);
        if (string.IsNullOrEmpty(spec.ExecutableSuffix))
        {
            throw new SqsSetupException("InvalidIngestSettings", "S3 ingest needs an executable suffix (such as .sh): without one every uploaded file, results included, would start a job.");
        }

        string queueUrl;
        string queueArn;
        string queueName;
        if (spec.QueueUrl is { } existing)
        {
            queueUrl = existing;
            queueName = existing.TrimEnd('/')[(existing.TrimEnd('/').LastIndexOf('/') + 1)..];
            queueArn = (await queues.CheckExistingAsync(existing, "spec.ingest.queueUrl", queueName, cancellationToken)).GetValueOrDefault(Arn)
                ?? throw new SqsSetupException("QueueArnMissing", $"SQS returned no QueueArn for the ingest queue {existing}.");
        }
        else
        {
            queueName = spec.QueueName ?? throw new SqsSetupException("InvalidIngestSettings", "S3 ingest needs the name of an ingest queue to create, or the URL of an existing one.");
            queueUrl = await queues.EnsureQueueAsync(queueName, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["MessageRetentionPeriod"] = "1209600",
            }, cancellationToken);
            queueArn = (await queues.AttributesAsync(queueUrl, [Arn], queueName, cancellationToken)).GetValueOrDefault(Arn)
                ?? throw new SqsSetupException("QueueArnMissing", $"SQS returned no QueueArn for the ingest queue {queueUrl}.");

            // The ARN is only known once the queue exists, so the policy is a second step.
            await Guard(ct => sqs.SetQueueAttributesAsync(queueUrl, new Dictionary<string, string>(StringComparer.Ordinal) { ["Policy"] = Policy(queueArn, spec.Bucket) }, ct),
                $"set the policy of the ingest queue {queueName}", "Grant the operator's role sqs:SetQueueAttributes on it.", cancellationToken);
        }

        var id = spec.NotificationId ?? "shoal-ingest-" + queueName;
        await PutNotificationAsync(spec, id, queueArn, cancellationToken);
        logger.LogInformation("S3 ingest: s3://{Bucket}/{Prefix}*{Suffix} now notifies {Queue}", spec.Bucket, spec.Prefix, spec.ExecutableSuffix, queueUrl);
        return new S3IngestSetup(queueUrl, queueArn, id);
    }

    private async Task PutNotificationAsync(S3IngestSpec spec, string id, string queueArn, CancellationToken cancellationToken)
    {
        var current = await Guard(ct => s3.GetBucketNotificationAsync(spec.Bucket, ct),
            $"read the notification configuration of bucket {spec.Bucket}", "Grant the operator's role s3:GetBucketNotification on it.", cancellationToken);

        var rules = new List<FilterRule> { new("suffix", spec.ExecutableSuffix) };
        if (!string.IsNullOrEmpty(spec.Prefix))
        {
            rules.Add(new FilterRule("prefix", spec.Prefix));
        }

        // PutBucketNotification replaces the whole configuration: keep every entry that is not ours.
        var queueConfigurations = (current.QueueConfigurations ?? []).Where(q => q.Id != id).ToList();
        queueConfigurations.Add(new QueueConfiguration
        {
            Id = id,
            Queue = queueArn,
            Events = [EventType.ObjectCreatedAll],
            Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = rules } },
        });
        var request = new PutBucketNotificationRequest
        {
            BucketName = spec.Bucket,
            QueueConfigurations = queueConfigurations,
            TopicConfigurations = current.TopicConfigurations,
            LambdaFunctionConfigurations = current.LambdaFunctionConfigurations,
            EventBridgeConfiguration = current.EventBridgeConfiguration,
        };
        await Guard(ct => s3.PutBucketNotificationAsync(request, ct),
            $"configure the notification of bucket {spec.Bucket}",
            "Grant the operator's role s3:PutBucketNotification on it. If S3 could not validate the destination, the ingest queue's policy must allow s3.amazonaws.com to sqs:SendMessage (Shoal sets that on queues it creates). If the configurations overlap, another notification already covers this prefix and suffix.",
            cancellationToken);
    }

    private static string Policy(string queueArn, string bucket)
    {
        // Only this bucket may send: the condition keeps other buckets (and accounts) out.
        var partition = queueArn.Split(':') is { Length: > 2 } parts ? parts[1] : "aws";
        return new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(new JsonObject
            {
                ["Sid"] = "ShoalS3Ingest",
                ["Effect"] = "Allow",
                ["Principal"] = new JsonObject { ["Service"] = "s3.amazonaws.com" },
                ["Action"] = "sqs:SendMessage",
                ["Resource"] = queueArn,
                ["Condition"] = new JsonObject { ["ArnLike"] = new JsonObject { ["aws:SourceArn"] = $"arn:{partition}:s3:::{bucket}" } },
            }),
        }.ToJsonString();
    }

    private async Task<T> Guard<T>(Func<CancellationToken, Task<T>> call, string action, string advice, CancellationToken cancellationToken)
    {
        try
        {
            return await retry.RunAsync(call, cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) is AwsErrorKind.Unauthorized or AwsErrorKind.NotFound or AwsErrorKind.Invalid)
        {
            var kind = AwsErrorClassifier.Classify(e);
            var (_, message) = AwsErrorClassifier.ToReasonMessage(e);
            var reason = kind switch
            {
                AwsErrorKind.Unauthorized => "AccessDenied",
                AwsErrorKind.NotFound => "NotFound",
                _ => "InvalidIngestSettings",
            };
            var hint = kind == AwsErrorKind.NotFound ? "Check that it exists in the operator's region and account." : advice;
            throw new SqsSetupException(reason, $"Could not {action} ({message}). {hint}", e);
        }
    }

    private Task Guard(Func<CancellationToken, Task> call, string action, string advice, CancellationToken cancellationToken) =>
        Guard(async ct =>
        {
            await call(ct);
            return true;
        }, action, advice, cancellationToken);
}
