using Shoal.Aws.Queue;

namespace Shoal.Aws.Tests.Queue;

/// <summary>
/// A scripted <see cref="ISqsApi"/> for what moto cannot do: throttling, denied access, errors on the
/// Nth call. It records every call (including failed ones), answers receives from a sequence, and
/// knows queues only as far as a test told it. It is not an SQS: no visibility, no redrive.
/// </summary>
public sealed class FakeSqsApi : ISqsApi
{
    public const string Any = "*";

    private readonly object gate = new();
    private readonly List<SqsCall> calls = [];
    private readonly Queue<IReadOnlyList<SqsMessage>> receives = new();
    private readonly Dictionary<string, (int Left, Func<Exception> Error)> failures = new(StringComparer.Ordinal);
    private int sent;

    /// <summary>Queue URLs by name, for GetQueueUrl; CreateQueue adds to it.</summary>
    public Dictionary<string, string> Urls { get; } = new(StringComparer.Ordinal);

    /// <summary>Attributes by queue URL, for GetQueueAttributes; SetQueueAttributes merges into it.</summary>
    public Dictionary<string, Dictionary<string, string>> Attributes { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<SqsCall> Calls
    {
        get
        {
            lock (gate)
            {
                return [.. calls];
            }
        }
    }

    public IReadOnlyList<SqsCall> CallsOf(string operation) => Calls.Where(c => c.Operation == operation).ToList();

    /// <summary>The next receive answers these; once the sequence is used up, receives answer nothing.</summary>
    public void EnqueueReceive(params SqsMessage[] messages)
    {
        lock (gate)
        {
            receives.Enqueue(messages);
        }
    }

    /// <summary>The first <paramref name="times"/> calls of <paramref name="operation"/> (or of any, with <see cref="Any"/>) throw.</summary>
    public void Fail(string operation, int times, Func<Exception> error)
    {
        lock (gate)
        {
            failures[operation] = (times, error);
        }
    }

    public Task<string> CreateQueueAsync(string name, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken)
    {
        Record(new SqsCall("CreateQueue", Name: name, Attributes: attributes));
        lock (gate)
        {
            var url = Urls.TryGetValue(name, out var known) ? known : Urls[name] = $"https://sqs.us-east-1.amazonaws.com/123456789012/{name}";
            Attributes[url] = new Dictionary<string, string>(attributes, StringComparer.Ordinal) { ["QueueArn"] = $"arn:aws:sqs:us-east-1:123456789012:{name}" };
            return Task.FromResult(url);
        }
    }

    public Task<string> GetQueueUrlAsync(string name, CancellationToken cancellationToken)
    {
        Record(new SqsCall("GetQueueUrl", Name: name));
        lock (gate)
        {
            return Urls.TryGetValue(name, out var url)
                ? Task.FromResult(url)
                : throw AwsErrors.QueueDoesNotExist();
        }
    }

    public Task<IReadOnlyDictionary<string, string>> GetQueueAttributesAsync(string queueUrl, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        Record(new SqsCall("GetQueueAttributes", queueUrl));
        lock (gate)
        {
            if (!Attributes.TryGetValue(queueUrl, out var attributes))
            {
                throw AwsErrors.QueueDoesNotExist();
            }

            IReadOnlyDictionary<string, string> found = attributes.Where(a => names.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
            return Task.FromResult(found);
        }
    }

    public Task SetQueueAttributesAsync(string queueUrl, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken)
    {
        Record(new SqsCall("SetQueueAttributes", queueUrl, Attributes: attributes));
        lock (gate)
        {
            var target = Attributes.TryGetValue(queueUrl, out var existing) ? existing : Attributes[queueUrl] = new(StringComparer.Ordinal);
            foreach (var (key, value) in attributes)
            {
                target[key] = value;
            }
        }

        return Task.CompletedTask;
    }

    public Task<string> SendMessageAsync(string queueUrl, string body, int delaySeconds, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken)
    {
        Record(new SqsCall("SendMessage", queueUrl, Body: body, Seconds: delaySeconds));
        return Task.FromResult($"sent-{Interlocked.Increment(ref sent)}");
    }

    public Task<IReadOnlyList<SqsMessage>> ReceiveMessagesAsync(string queueUrl, int max, int waitSeconds, int? visibilitySeconds, CancellationToken cancellationToken)
    {
        Record(new SqsCall("ReceiveMessages", queueUrl, Seconds: visibilitySeconds, Max: max, Wait: waitSeconds));
        lock (gate)
        {
            return Task.FromResult(receives.TryDequeue(out var next) ? next : (IReadOnlyList<SqsMessage>)[]);
        }
    }

    public Task ChangeMessageVisibilityAsync(string queueUrl, string receiptHandle, int visibilitySeconds, CancellationToken cancellationToken)
    {
        Record(new SqsCall("ChangeMessageVisibility", queueUrl, receiptHandle, Seconds: visibilitySeconds));
        return Task.CompletedTask;
    }

    public Task DeleteMessageAsync(string queueUrl, string receiptHandle, CancellationToken cancellationToken)
    {
        Record(new SqsCall("DeleteMessage", queueUrl, receiptHandle));
        return Task.CompletedTask;
    }

    // Records first, so a test sees failed calls too (how many times was it tried?), then fails if told to.
    private void Record(SqsCall call)
    {
        Func<Exception>? error = null;
        lock (gate)
        {
            calls.Add(call);
            foreach (var key in new[] { call.Operation, Any })
            {
                if (failures.TryGetValue(key, out var failure) && failure.Left > 0)
                {
                    failures[key] = (failure.Left - 1, failure.Error);
                    error = failure.Error;
                    break;
                }
            }
        }

        if (error is not null)
        {
            throw error();
        }
    }
}
