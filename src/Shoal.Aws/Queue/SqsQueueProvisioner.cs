using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Queue;

/// <summary>
/// Finds or creates the queues of a JobQueue: the job queue with a redrive policy to its dead-letter
/// queue, and optionally the finished queue. Safe to run on every reconcile: queues it names are
/// brought back to the spec's attributes; queues given by URL are checked and never changed.
/// </summary>
public sealed partial class SqsQueueProvisioner
{
    public const string DeadLetterSuffix = "-dead-letter";
    public const string FinishedSuffix = "-finished";

    private const string Arn = "QueueArn";
    private const string Redrive = "RedrivePolicy";

    private readonly ISqsApi sqs;
    private readonly AwsRetry retry;
    private readonly ILogger logger;

    public SqsQueueProvisioner(ISqsApi sqs, AwsRetry retry, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        ArgumentNullException.ThrowIfNull(retry);
        this.sqs = sqs;
        this.retry = retry;
        this.logger = logger ?? NullLogger.Instance;
    }

    public async Task<SqsQueueUrls> EnsureAsync(SqsQueueSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var name = Validate(spec);
        var retention = Seconds(spec.Retention);
        var plain = new Dictionary<string, string>(StringComparer.Ordinal) { ["MessageRetentionPeriod"] = retention };

        string queueUrl;
        string deadLetterUrl;
        if (spec.Url is { } existing)
        {
            queueUrl = existing;
            var attributes = await CheckExistingAsync(existing, "spec.url", name, cancellationToken);
            if (spec.DeadLetterUrl is { } given)
            {
                await CheckExistingAsync(given, "spec.deadLetterUrl", name + DeadLetterSuffix, cancellationToken);
                deadLetterUrl = given;
            }
            else if (RedriveTarget(attributes) is { } target)
            {
                deadLetterUrl = await ResolveAsync(target, existing, cancellationToken);
            }
            else
            {
                // Their queue has no redrive policy and is theirs to configure: Shoal still needs a
                // place for poison jobs and exhausted retries, so it adds one beside it.
                logger.LogInformation("SQS queue {Url} has no redrive policy; dead letters go to {Name}, and SQS itself redrives nothing", existing, name + DeadLetterSuffix);
                deadLetterUrl = await EnsureQueueAsync(name + DeadLetterSuffix, plain, cancellationToken);
            }
        }
        else
        {
            IReadOnlyDictionary<string, string> deadLetter;
            if (spec.DeadLetterUrl is { } given)
            {
                deadLetter = await CheckExistingAsync(given, "spec.deadLetterUrl", name + DeadLetterSuffix, cancellationToken);
                deadLetterUrl = given;
            }
            else
            {
                deadLetterUrl = await EnsureQueueAsync(name + DeadLetterSuffix, plain, cancellationToken);
                deadLetter = await AttributesAsync(deadLetterUrl, [Arn], name + DeadLetterSuffix, cancellationToken);
            }

            var deadLetterArn = deadLetter.GetValueOrDefault(Arn)
                ?? throw new SqsSetupException("QueueArnMissing", $"SQS returned no QueueArn for the dead-letter queue {deadLetterUrl}, so no redrive policy can name it.");
            var redrive = new JsonObject { ["deadLetterTargetArn"] = deadLetterArn, ["maxReceiveCount"] = spec.MaxReceiveCount }.ToJsonString();
            queueUrl = await EnsureQueueAsync(name, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["VisibilityTimeout"] = Seconds(spec.VisibilityTimeout),
                ["MessageRetentionPeriod"] = retention,
                [Redrive] = redrive,
            }, cancellationToken);
        }

        string? finishedUrl = null;
        if (spec.FinishedUrl is { } finished)
        {
            await CheckExistingAsync(finished, "spec.finishedUrl", name + FinishedSuffix, cancellationToken);
            finishedUrl = finished;
        }
        else if (spec.Finished)
        {
            finishedUrl = await EnsureQueueAsync(name + FinishedSuffix, plain, cancellationToken);
        }

        return new SqsQueueUrls(name, queueUrl, deadLetterUrl, finishedUrl);
    }

    /// <summary>The queue named, created when missing and brought back to <paramref name="attributes"/> when not.</summary>
    internal async Task<string> EnsureQueueAsync(string name, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken)
    {
        string url;
        try
        {
            url = await retry.RunAsync(ct => sqs.GetQueueUrlAsync(name, ct), cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            // CreateQueue is idempotent only for identical attributes; asking first lets a changed
            // spec (a new maxReceiveCount) update the queue instead of failing on QueueNameExists.
            url = await GuardAsync(ct => sqs.CreateQueueAsync(name, attributes, ct), $"create the SQS queue '{name}'", CreateAdvice(name), cancellationToken);
            logger.LogInformation("Created SQS queue {Name}: {Url}", name, url);
            return url;
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.Unauthorized)
        {
            throw Denied(e, $"look up the SQS queue '{name}'", CreateAdvice(name));
        }

        await GuardAsync(async ct =>
        {
            await sqs.SetQueueAttributesAsync(url, attributes, ct);
            return true;
        }, $"update the attributes of the SQS queue '{name}'", CreateAdvice(name), cancellationToken);
        return url;
    }

    internal async Task<IReadOnlyDictionary<string, string>> CheckExistingAsync(string url, string field, string expected, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Segments.Length < 3)
        {
            throw new SqsSetupException("InvalidQueueUrl",
                $"{field} '{url}' is not an SQS queue URL: expected one like https://sqs.us-east-1.amazonaws.com/123456789012/{expected} (aws sqs get-queue-url --queue-name {expected}).");
        }

        if (url.EndsWith(".fifo", StringComparison.Ordinal))
        {
            throw new SqsSetupException("FifoQueueNotSupported",
                $"{field} '{url}' is a FIFO queue; Shoal needs a standard queue (jobs are not ordered, and FIFO message groups would block behind a long job). Use a standard queue.");
        }

        return await AttributesAsync(url, [Arn, Redrive], expected, cancellationToken, field);
    }

    internal async Task<IReadOnlyDictionary<string, string>> AttributesAsync(
        string url, IReadOnlyList<string> names, string expected, CancellationToken cancellationToken, string? field = null)
    {
        try
        {
            return await retry.RunAsync(ct => sqs.GetQueueAttributesAsync(url, names, ct), cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            var where = field is null ? "The SQS queue" : $"The SQS queue in {field},";
            throw new SqsSetupException("QueueNotFound",
                $"{where} {url}, does not exist (or is in another region or account than the operator's credentials). "
                + $"Check the URL (aws sqs get-queue-url --queue-name {expected}), or leave {field ?? "the URL"} empty so Shoal creates the queue.", e);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.Unauthorized)
        {
            throw Denied(e, $"read the attributes of the SQS queue {url}",
                "Grant the operator's role sqs:GetQueueAttributes, sqs:SendMessage, sqs:ReceiveMessage, sqs:ChangeMessageVisibility and sqs:DeleteMessage on that queue.");
        }
    }

    private async Task<string> ResolveAsync(string deadLetterArn, string sourceUrl, CancellationToken cancellationToken)
    {
        // A redrive target is in the same account and region as its source queue, so its name is enough.
        var name = deadLetterArn[(deadLetterArn.LastIndexOf(':') + 1)..];
        try
        {
            return await retry.RunAsync(ct => sqs.GetQueueUrlAsync(name, ct), cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            throw new SqsSetupException("QueueNotFound",
                $"The redrive policy of {sourceUrl} names the dead-letter queue {deadLetterArn}, which does not exist. Create it, fix the redrive policy, or give spec.deadLetterUrl.", e);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.Unauthorized)
        {
            throw Denied(e, $"look up the dead-letter queue {deadLetterArn}", "Grant the operator's role sqs:GetQueueUrl and sqs:SendMessage on it, or give spec.deadLetterUrl.");
        }
    }

    private async Task<T> GuardAsync<T>(Func<CancellationToken, Task<T>> call, string action, string advice, CancellationToken cancellationToken)
    {
        try
        {
            return await retry.RunAsync(call, cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.Unauthorized)
        {
            throw Denied(e, action, advice);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) is AwsErrorKind.Invalid or AwsErrorKind.NotFound)
        {
            var (_, message) = AwsErrorClassifier.ToReasonMessage(e);
            throw new SqsSetupException("InvalidQueueSettings", $"Could not {action}: {message}. Check the JobQueue's queue settings.", e);
        }
    }

    private static SqsSetupException Denied(Exception e, string action, string advice)
    {
        var (_, message) = AwsErrorClassifier.ToReasonMessage(e);
        return new SqsSetupException("AccessDenied", $"Not allowed to {action} ({message}). {advice}", e);
    }

    private static string CreateAdvice(string name) =>
        $"Grant the operator's role sqs:GetQueueUrl, sqs:CreateQueue, sqs:GetQueueAttributes and sqs:SetQueueAttributes on arn:aws:sqs:*:*:{name}, or create the queues yourself and give their URLs.";

    private static string? RedriveTarget(IReadOnlyDictionary<string, string> attributes)
    {
        if (!attributes.TryGetValue(Redrive, out var policy) || string.IsNullOrWhiteSpace(policy))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(policy)?["deadLetterTargetArn"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string Validate(SqsQueueSpec spec)
    {
        var name = spec.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            if (spec.Url is null)
            {
                throw new SqsSetupException("InvalidQueueSettings", "The job queue needs a name (Shoal creates it) or the URL of an existing queue.");
            }

            name = spec.Url.TrimEnd('/')[(spec.Url.TrimEnd('/').LastIndexOf('/') + 1)..];
        }

        if (spec.Url is null && name.EndsWith(".fifo", StringComparison.Ordinal))
        {
            throw new SqsSetupException("FifoQueueNotSupported", $"Queue name '{name}' names a FIFO queue; Shoal needs a standard queue. Drop the .fifo suffix.");
        }

        // The companions' suffixes must fit SQS's 80 characters too.
        var longest = 80 - DeadLetterSuffix.Length;
        if (spec.Url is null && (!QueueName().IsMatch(name) || name.Length > longest))
        {
            throw new SqsSetupException("InvalidQueueSettings",
                $"Queue name '{name}' is not usable: use 1 to {longest} letters, digits, '-' or '_' (SQS allows 80, and Shoal appends '{DeadLetterSuffix}').");
        }

        if (spec.MaxReceiveCount is < 1 or > 1000)
        {
            throw new SqsSetupException("InvalidQueueSettings", $"maxReceiveCount {spec.MaxReceiveCount} is out of range: SQS takes 1 to 1000.");
        }

        if (spec.VisibilityTimeout < TimeSpan.Zero || spec.VisibilityTimeout > TimeSpan.FromSeconds(SqsLimits.MaxVisibilitySeconds))
        {
            throw new SqsSetupException("InvalidQueueSettings", $"Visibility timeout {spec.VisibilityTimeout} is out of range: SQS takes 0 to 12 hours.");
        }

        if (spec.Retention < TimeSpan.FromMinutes(1) || spec.Retention > TimeSpan.FromDays(14))
        {
            throw new SqsSetupException("InvalidQueueSettings", $"Retention {spec.Retention} is out of range: SQS keeps messages from 1 minute to 14 days.");
        }

        return name;
    }

    private static string Seconds(TimeSpan span) => ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex QueueName();
}
