using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Shoal.Aws.Errors;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;

namespace Shoal.Aws.Ledger;

/// <summary>
/// The job table on DynamoDB, compatible with the seed's <c>&lt;stack&gt;-job-monitoring</c> table: one item
/// per job keyed by <c>job_id</c> (S), per-queue counters in one item each, a status index for listing and
/// a TTL on finished jobs. Every write is one transaction: the conditional write of the job (a put when
/// it is created, an update afterwards, so created_at is written once) and the counter update, so
/// counters never disagree with the jobs. Leases are plain attributes compared by the engine, so a job
/// can hold its lease for any length of time (no 12-hour ceiling as with SQS). A failed condition
/// returns the stored item (ReturnValuesOnConditionCheckFailure), which lets the engine claim a job
/// without reading it first (<see cref="IAssumingJobLedger"/>).
/// Create the table with <see cref="DynamoTableProvisioner"/>.
/// </summary>
public sealed class DynamoJobLedger : IAssumingJobLedger
{
    private static readonly (string Name, Func<JobCounts, long> Value)[] Counters =
    [
        ("jobs", c => c.Jobs),
        ("queued", c => c.Queued),
        ("running", c => c.Running),
        ("succeeded", c => c.Succeeded),
        ("failed", c => c.Failed),
        ("invalid", c => c.Invalid),
        ("attempts", c => c.Attempts),
        ("interruptions", c => c.Interruptions),
    ];

    private static readonly JobStatus[] AllStatuses = [JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded, JobStatus.Failed];

    private readonly IDynamoApi api;
    private readonly AwsRetry retry;

    /// <param name="api">The DynamoDB calls (see <see cref="DynamoApi"/>).</param>
    /// <param name="tableName">The job table, e.g. <c>&lt;jobqueue&gt;-job-monitoring</c>.</param>
    /// <param name="time">Clock for retry back-off.</param>
    /// <param name="retention">How long finished jobs stay before DynamoDB's TTL removes them; 14 days by default.</param>
    /// <param name="retry">Bounded, jittered retry of throttled calls; a default one on <paramref name="time"/> if null.</param>
    public DynamoJobLedger(IDynamoApi api, string tableName, TimeProvider time, TimeSpan? retention = null, AwsRetry? retry = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        ArgumentNullException.ThrowIfNull(time);
        Retention = retention ?? TimeSpan.FromDays(14);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Retention, TimeSpan.Zero, nameof(retention));
        this.api = api;
        TableName = tableName;
        this.retry = retry ?? new AwsRetry(time);
    }

    public DynamoJobLedger(IAmazonDynamoDB client, string tableName, TimeProvider time, TimeSpan? retention = null)
        : this(new DynamoApi(client), tableName, time, retention)
    {
    }

    public string TableName { get; }

    public TimeSpan Retention { get; }

    // Test knob: a small page forces the list queries through LastEvaluatedKey paging.
    internal int? QueryPageLimit { get; init; }

    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (DynamoLedgerSchema.IsReservedJobId(jobId))
        {
            return null; // a counter item, never a job
        }

        var request = new GetItemRequest
        {
            TableName = TableName,
            Key = Key(jobId),
            ConsistentRead = true, // the engine's CAS reads must see the latest version
        };
        var response = await retry.RunAsync(ct => api.GetItemAsync(request, ct), cancellationToken);

        // A row without our version (one the seed wrote into a reused table) is no Shoal job yet: the
        // first write replaces it (see the put condition).
        return DynamoJobItem.IsShoalJob(response.Item) ? DynamoJobItem.FromItem(response.Item!, TableName) : null;
    }

    public async Task<bool> TryWriteAsync(JobRecord? previous, JobRecord next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        Validate(previous, next);
        return await SendAsync(Transaction(previous, next, assumed: false), cancellationToken) is null;
    }

    public async Task<AssumedWrite> TryWriteAssumingAsync(JobRecord? assumed, JobRecord next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        Validate(assumed, next);
        if (await SendAsync(Transaction(assumed, next, assumed: true), cancellationToken) is not { } lost)
        {
            return new AssumedWrite(true, null);
        }

        // The stored item came back with the failed condition (no item: nothing, or only a row the seed
        // wrote, stored under that id), so no read is needed to decide again.
        var item = lost.CancellationReasons?.Count > 0 ? lost.CancellationReasons[0]?.Item : null;
        return new AssumedWrite(false, DynamoJobItem.IsShoalJob(item) ? DynamoJobItem.FromItem(item!, TableName) : null);
    }

    public async Task<IReadOnlyList<JobRecord>> ListAsync(string? queue, JobStatus? status, CancellationToken cancellationToken)
    {
        // The index holds every job under its status, so "all jobs" is the union of four partitions
        // (never a table scan). Index reads are eventually consistent: a job written a moment ago can be
        // missing or show its previous status.
        var statuses = status is { } one ? [one] : AllStatuses;
        var jobs = new List<JobRecord>();
        foreach (var s in statuses)
        {
            await QueryStatusAsync(s, queue, jobs, cancellationToken);
        }

        jobs.Sort(static (a, b) =>
        {
            var byCreated = a.CreatedAt.CompareTo(b.CreatedAt);
            return byCreated != 0 ? byCreated : string.CompareOrdinal(a.JobId, b.JobId);
        });
        return jobs;
    }

    public async Task<JobCounts> GetCountsAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var key = DynamoLedgerSchema.CounterKey(queue);
        var request = new GetItemRequest { TableName = TableName, Key = Key(key), ConsistentRead = true };
        var response = await retry.RunAsync(ct => api.GetItemAsync(request, ct), cancellationToken);
        if (response.Item is not { Count: > 0 } item)
        {
            return JobCounts.Zero;
        }

        long Read(string name) => DynamoJobItem.ReadNumber(item, name, key, TableName);
        return new JobCounts
        {
            Jobs = Read("jobs"),
            Queued = Read("queued"),
            Running = Read("running"),
            Succeeded = Read("succeeded"),
            Failed = Read("failed"),
            Invalid = Read("invalid"),
            Attempts = Read("attempts"),
            Interruptions = Read("interruptions"),
        };
    }

    private async Task QueryStatusAsync(JobStatus status, string? queue, List<JobRecord> into, CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = TableName,
            IndexName = DynamoLedgerSchema.StatusIndexName,
            KeyConditionExpression = "#status = :status",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#status"] = DynamoLedgerSchema.StatusAttribute },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":status"] = DynamoJobItem.S(DynamoJobItem.StatusText(status)) },
            Limit = QueryPageLimit,
        };
        if (queue is not null)
        {
            request.FilterExpression = "#queue = :queue";
            request.ExpressionAttributeNames["#queue"] = "queue";
            request.ExpressionAttributeValues[":queue"] = DynamoJobItem.S(queue);
        }

        do
        {
            var page = await retry.RunAsync(ct => api.QueryAsync(request, ct), cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                if (DynamoJobItem.IsShoalJob(item))
                {
                    into.Add(DynamoJobItem.FromItem(item, TableName));
                }
            }

            // A filtered page can be empty and still not be the last: follow the key, not the count.
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
    }

    /// <summary>Null when the transaction committed; the cancellation when the job's condition failed.</summary>
    private async Task<TransactionCanceledException?> SendAsync(TransactWriteItemsRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await retry.RunAsync(async ct =>
            {
                try
                {
                    return await api.TransactWriteItemsAsync(request, ct);
                }
                catch (TransactionCanceledException)
                {
                    // A cancelled transaction wrote nothing, so a retry is a new request. The token stays
                    // the same across ambiguous failures (timeouts, 5xx): if the first try did commit,
                    // DynamoDB answers the retry with success instead of a lost condition.
                    request.ClientRequestToken = Guid.NewGuid().ToString();
                    throw;
                }
            }, cancellationToken);
            return null;
        }
        catch (TransactionCanceledException e) when (AwsErrorClassifier.ClassifyCancellationReason(e, 0) == AwsErrorKind.ConditionFailed)
        {
            // Only the job write (item 0) has a condition: its failure is a lost compare-and-swap.
            // Any other reason (throttling, conflict, validation) was retried or surfaces as an exception.
            return e;
        }
    }

    private TransactWriteItemsRequest Transaction(JobRecord? previous, JobRecord next, bool assumed)
    {
        TransactWriteItem write;
        if (previous is null)
        {
            // "No Shoal record yet": absent, or a row without our version that the seed wrote into a
            // reused table. Either way it is not counted anywhere, so the delta from nothing is right.
            write = new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = TableName,
                    Item = DynamoJobItem.ToItem(next, Retention),
                    ConditionExpression = "attribute_not_exists(#job_id) OR attribute_not_exists(#version)",
                    ExpressionAttributeNames = new Dictionary<string, string>
                    {
                        ["#job_id"] = DynamoLedgerSchema.HashKey,
                        ["#version"] = DynamoJobItem.Version,
                    },
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
            };
        }
        else
        {
            // The delta below is computed from the caller's previous; the version condition makes it the
            // stored item, so the counters move exactly as the item does. An assumed previous was not
            // read, so the condition also checks what the transition and the delta were computed from.
            var (expression, names, values) = DynamoJobItem.ToUpdate(next, Retention);
            string condition;
            if (assumed)
            {
                condition = DynamoJobItem.AssumedCondition(previous, names, values);
            }
            else
            {
                names["#version"] = DynamoJobItem.Version;
                values[":version"] = DynamoJobItem.N(previous.Version);
                condition = "#version = :version";
            }

            write = new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = TableName,
                    Key = Key(next.JobId),
                    UpdateExpression = expression,
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
            };
        }

        var items = new List<TransactWriteItem> { write };
        if (CounterUpdate(next.Queue, JobCounts.Delta(previous, next)) is { } update)
        {
            items.Add(new TransactWriteItem { Update = update });
        }

        return new TransactWriteItemsRequest { TransactItems = items, ClientRequestToken = Guid.NewGuid().ToString() };
    }

    // ADD creates the counter item (and each counter) on first use; zero terms are left out, and a
    // write that moves no counter (a lease renewal) touches only the job item.
    private Update? CounterUpdate(string queue, JobCounts delta)
    {
        var names = new Dictionary<string, string>();
        var values = new Dictionary<string, AttributeValue>();
        var adds = new List<string>();
        foreach (var (name, value) in Counters)
        {
            var amount = value(delta);
            if (amount != 0)
            {
                names["#" + name] = name;
                values[":" + name] = DynamoJobItem.N(amount);
                adds.Add($"#{name} :{name}");
            }
        }

        if (adds.Count == 0)
        {
            return null;
        }

        names["#queue"] = "queue";
        values[":queue"] = DynamoJobItem.S(queue);
        return new Update
        {
            TableName = TableName,
            Key = Key(DynamoLedgerSchema.CounterKey(queue)),
            UpdateExpression = "SET #queue = :queue ADD " + string.Join(", ", adds),
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
        };
    }

    private static Dictionary<string, AttributeValue> Key(string jobId) => new() { [DynamoLedgerSchema.HashKey] = DynamoJobItem.S(jobId) };

    private static void Validate(JobRecord? previous, JobRecord next)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(next.JobId, nameof(next));
        ArgumentException.ThrowIfNullOrWhiteSpace(next.Queue, nameof(next));
        if (DynamoLedgerSchema.IsReservedJobId(next.JobId))
        {
            throw new ArgumentException(
                $"Job id '{next.JobId}' starts with '{DynamoLedgerSchema.CounterKeyPrefix}', which the DynamoDB job table reserves for its per-queue counter items; use another job id.",
                nameof(next));
        }

        var expected = (previous?.Version ?? 0) + 1;
        if (next.Version != expected)
        {
            throw new ArgumentException(
                $"Job '{next.JobId}': next.Version must be {expected} (previous version + 1), not {next.Version}.", nameof(next));
        }

        if (previous is null)
        {
            return;
        }

        if (!string.Equals(previous.JobId, next.JobId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Cannot replace job '{previous.JobId}' with job '{next.JobId}'.", nameof(next));
        }

        // Counters move only on next.Queue, so a job changing queue would leave its old queue's counts wrong.
        if (!string.Equals(previous.Queue, next.Queue, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Job '{next.JobId}' cannot move from queue '{previous.Queue}' to queue '{next.Queue}'.", nameof(next));
        }
    }
}
