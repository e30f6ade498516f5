using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Ledger;

/// <summary>
/// Makes a table fit for <see cref="DynamoJobLedger"/>, idempotently: creates it when missing (on-demand,
/// hash key job_id S, the status index, TTL on expires_at), or adopts an existing one whose key is
/// job_id (S) — the seed's job-monitoring table qualifies — adding the status index and TTL it lacks.
/// A table with any other key is refused with an error naming the table and the difference.
/// </summary>
public sealed class DynamoTableProvisioner
{
    private readonly IDynamoApi api;
    private readonly TimeProvider time;
    private readonly AwsRetry retry;
    private readonly ILogger logger;

    public DynamoTableProvisioner(IDynamoApi api, TimeProvider time, ILogger? logger = null, AwsRetry? retry = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(time);
        this.api = api;
        this.time = time;
        this.logger = logger ?? NullLogger.Instance;
        this.retry = retry ?? new AwsRetry(time);
    }

    public DynamoTableProvisioner(IAmazonDynamoDB client, TimeProvider time, ILogger? logger = null)
        : this(new DynamoApi(client), time, logger)
    {
    }

    /// <summary>How often to look again while the table or its index is being built.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for ACTIVE; adding the index to a big table backfills every item, which takes a while.</summary>
    public TimeSpan ActiveTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public async Task<DynamoTableProvisionResult> EnsureAsync(string tableName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        var created = false;
        var table = await DescribeAsync(tableName, cancellationToken);
        if (table is null)
        {
            created = await CreateAsync(tableName, cancellationToken);
        }

        table = await WaitActiveAsync(tableName, cancellationToken);
        VerifyKey(table);

        var indexAdded = false;
        if (FindStatusIndex(table) is { } index)
        {
            VerifyStatusIndex(table, index);
        }
        else
        {
            await AddStatusIndexAsync(table, cancellationToken);
            indexAdded = true;
            table = await WaitActiveAsync(tableName, cancellationToken);
            VerifyStatusIndex(table, FindStatusIndex(table)
                ?? throw new InvalidOperationException($"DynamoDB table '{tableName}': index '{DynamoLedgerSchema.StatusIndexName}' was requested but does not appear."));
        }

        var warnings = new List<string>();
        var ttl = await EnsureTimeToLiveAsync(tableName, warnings, cancellationToken);
        return new DynamoTableProvisionResult
        {
            TableName = tableName,
            Created = created,
            StatusIndexAdded = indexAdded,
            TimeToLiveEnabled = ttl,
            Warnings = warnings,
        };
    }

    private async Task<TableDescription?> DescribeAsync(string tableName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await retry.RunAsync(ct => api.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, ct), cancellationToken);
            return response.Table;
        }
        catch (AmazonServiceException e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            return null;
        }
    }

    private async Task<bool> CreateAsync(string tableName, CancellationToken cancellationToken)
    {
        var request = new CreateTableRequest
        {
            TableName = tableName,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement(DynamoLedgerSchema.HashKey, KeyType.HASH)],
            AttributeDefinitions =
            [
                new AttributeDefinition(DynamoLedgerSchema.HashKey, ScalarAttributeType.S),
                new AttributeDefinition(DynamoLedgerSchema.StatusAttribute, ScalarAttributeType.S),
                new AttributeDefinition(DynamoLedgerSchema.UpdatedAtAttribute, ScalarAttributeType.S),
            ],
            GlobalSecondaryIndexes = [StatusIndex(provisioned: null)],
        };
        try
        {
            await retry.RunAsync(ct => api.CreateTableAsync(request, ct), cancellationToken);
            logger.LogInformation("Created DynamoDB job table {Table}", tableName);
            return true;
        }
        catch (ResourceInUseException)
        {
            // Another operator replica or pool created it between our describe and create: adopt it.
            return false;
        }
    }

    private async Task<TableDescription> WaitActiveAsync(string tableName, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + ActiveTimeout;
        while (true)
        {
            var table = await DescribeAsync(tableName, cancellationToken)
                ?? throw new InvalidOperationException($"DynamoDB table '{tableName}' disappeared while Shoal was waiting for it to become ACTIVE.");
            if (table.TableStatus == TableStatus.DELETING)
            {
                throw new InvalidOperationException($"DynamoDB table '{tableName}' is being deleted; wait for the deletion to finish, then try again.");
            }

            if (table.TableStatus == TableStatus.ACTIVE && (table.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
            {
                return table;
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new TimeoutException(
                    $"DynamoDB table '{tableName}' is still {table.TableStatus} (indexes: {string.Join(", ", (table.GlobalSecondaryIndexes ?? []).Select(i => $"{i.IndexName} {i.IndexStatus}"))}) after {ActiveTimeout}.");
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private static void VerifyKey(TableDescription table)
    {
        var keys = table.KeySchema ?? [];
        var hash = keys.FirstOrDefault(k => k.KeyType == KeyType.HASH);
        var range = keys.FirstOrDefault(k => k.KeyType == KeyType.RANGE);
        var hashType = hash is null ? null : AttributeType(table, hash.AttributeName);
        if (hash?.AttributeName == DynamoLedgerSchema.HashKey && hashType == ScalarAttributeType.S && range is null)
        {
            return;
        }

        var actual = string.Join(" + ", keys.Select(k => $"{k.AttributeName} ({AttributeType(table, k.AttributeName)?.Value ?? "type unknown"}) {k.KeyType}"));
        throw new InvalidOperationException(
            $"DynamoDB table '{table.TableName}' cannot be used as a Shoal job table: its key is {(actual.Length == 0 ? "unknown" : actual)}, " +
            $"but Shoal needs exactly '{DynamoLedgerSchema.HashKey}' (String) as the hash key and no sort key, like the seed's job-monitoring table. " +
            "Name another table in the JobQueue, or remove this one.");
    }

    private static GlobalSecondaryIndexDescription? FindStatusIndex(TableDescription table) =>
        (table.GlobalSecondaryIndexes ?? []).FirstOrDefault(i => i.IndexName == DynamoLedgerSchema.StatusIndexName);

    private static void VerifyStatusIndex(TableDescription table, GlobalSecondaryIndexDescription index)
    {
        var keys = index.KeySchema ?? [];
        var ok = keys.Count == 2
            && keys.Any(k => k.KeyType == KeyType.HASH && k.AttributeName == DynamoLedgerSchema.StatusAttribute)
            && keys.Any(k => k.KeyType == KeyType.RANGE && k.AttributeName == DynamoLedgerSchema.UpdatedAtAttribute)
            && AttributeType(table, DynamoLedgerSchema.StatusAttribute) is null or { Value: "S" }
            && AttributeType(table, DynamoLedgerSchema.UpdatedAtAttribute) is null or { Value: "S" }
            && index.Projection?.ProjectionType == ProjectionType.ALL;
        if (!ok)
        {
            throw new InvalidOperationException(
                $"DynamoDB table '{table.TableName}' has an index '{index.IndexName}' that Shoal cannot use: its key is " +
                $"{string.Join(" + ", keys.Select(k => $"{k.AttributeName} {k.KeyType}"))} with projection {index.Projection?.ProjectionType?.Value ?? "unknown"}, " +
                $"but Shoal needs hash '{DynamoLedgerSchema.StatusAttribute}' (String), range '{DynamoLedgerSchema.UpdatedAtAttribute}' (String), projection ALL. " +
                "Delete that index (Shoal then creates it) or name another table.");
        }
    }

    private async Task AddStatusIndexAsync(TableDescription table, CancellationToken cancellationToken)
    {
        // An index on a provisioned table (the seed's is 10/10) needs its own throughput: take the table's.
        var provisioned = table.BillingModeSummary?.BillingMode == BillingMode.PAY_PER_REQUEST
            ? null
            : new ProvisionedThroughput(
                Math.Max(1, table.ProvisionedThroughput?.ReadCapacityUnits ?? 1),
                Math.Max(1, table.ProvisionedThroughput?.WriteCapacityUnits ?? 1));
        var request = new UpdateTableRequest
        {
            TableName = table.TableName,
            // The table's own key is listed too: DynamoDB accepts it, and moto 5.2.1 otherwise replaces the
            // table's definitions with the index's (forgetting job_id's type).
            AttributeDefinitions =
            [
                new AttributeDefinition(DynamoLedgerSchema.HashKey, ScalarAttributeType.S),
                new AttributeDefinition(DynamoLedgerSchema.StatusAttribute, ScalarAttributeType.S),
                new AttributeDefinition(DynamoLedgerSchema.UpdatedAtAttribute, ScalarAttributeType.S),
            ],
            GlobalSecondaryIndexUpdates = [new GlobalSecondaryIndexUpdate { Create = CreateAction(StatusIndex(provisioned)) }],
        };
        try
        {
            await retry.RunAsync(ct => api.UpdateTableAsync(request, ct), cancellationToken);
            logger.LogInformation("Adding index {Index} to existing DynamoDB table {Table}", DynamoLedgerSchema.StatusIndexName, table.TableName);
        }
        catch (AmazonServiceException e)
        {
            var (reason, message) = AwsErrorClassifier.ToReasonMessage(e);
            throw new InvalidOperationException(
                $"DynamoDB table '{table.TableName}' has the right key but lacks the index '{DynamoLedgerSchema.StatusIndexName}', and adding it failed ({reason}: {message}). " +
                $"Add it yourself: aws dynamodb update-table --table-name {table.TableName} --attribute-definitions AttributeName=status,AttributeType=S AttributeName=updated_at,AttributeType=S " +
                "--global-secondary-index-updates '[{\"Create\":{\"IndexName\":\"status-updated_at\",\"KeySchema\":[{\"AttributeName\":\"status\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"updated_at\",\"KeyType\":\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}}]' " +
                "(plus ProvisionedThroughput in the Create when the table is provisioned).",
                e);
        }
    }

    private async Task<bool> EnsureTimeToLiveAsync(string tableName, List<string> warnings, CancellationToken cancellationToken)
    {
        // TTL only tidies up finished jobs; the ledger is correct without it, so trouble here is a warning.
        try
        {
            var current = (await retry.RunAsync(ct => api.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = tableName }, ct), cancellationToken))
                .TimeToLiveDescription;
            var status = current?.TimeToLiveStatus;
            if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING)
            {
                if (current!.AttributeName == DynamoLedgerSchema.TimeToLiveAttribute)
                {
                    return true;
                }

                Warn(warnings, $"DynamoDB table '{tableName}' already has TTL on attribute '{current.AttributeName}' (a table has at most one); " +
                    $"Shoal's '{DynamoLedgerSchema.TimeToLiveAttribute}' is ignored, so finished jobs are not removed after the retention period.");
                return false;
            }

            if (status == TimeToLiveStatus.DISABLING)
            {
                Warn(warnings, $"DynamoDB table '{tableName}': TTL is being disabled and cannot be turned on again yet; finished jobs are kept until a later reconcile enables it.");
                return false;
            }

            await retry.RunAsync(ct => api.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = tableName,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = DynamoLedgerSchema.TimeToLiveAttribute, Enabled = true },
            }, ct), cancellationToken);
            return true;
        }
        catch (AmazonServiceException e)
        {
            var (reason, message) = AwsErrorClassifier.ToReasonMessage(e);
            Warn(warnings, $"DynamoDB table '{tableName}': could not enable TTL on '{DynamoLedgerSchema.TimeToLiveAttribute}' ({reason}: {message}); finished jobs are kept until it is enabled.");
            return false;
        }
    }

    private void Warn(List<string> warnings, string warning)
    {
        warnings.Add(warning);
        logger.LogWarning("{Warning}", warning);
    }

    private static ScalarAttributeType? AttributeType(TableDescription table, string name) =>
        (table.AttributeDefinitions ?? []).FirstOrDefault(d => d.AttributeName == name)?.AttributeType;

    private static GlobalSecondaryIndex StatusIndex(ProvisionedThroughput? provisioned) => new()
    {
        IndexName = DynamoLedgerSchema.StatusIndexName,
        KeySchema =
        [
            new KeySchemaElement(DynamoLedgerSchema.StatusAttribute, KeyType.HASH),
            new KeySchemaElement(DynamoLedgerSchema.UpdatedAtAttribute, KeyType.RANGE),
        ],
        Projection = new Projection { ProjectionType = ProjectionType.ALL },
        ProvisionedThroughput = provisioned,
    };

    private static CreateGlobalSecondaryIndexAction CreateAction(GlobalSecondaryIndex index) => new()
    {
        IndexName = index.IndexName,
        KeySchema = index.KeySchema,
        Projection = index.Projection,
        ProvisionedThroughput = index.ProvisionedThroughput,
    };
}
