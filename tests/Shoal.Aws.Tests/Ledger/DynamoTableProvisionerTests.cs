using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Shoal.Aws.Ledger;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Jobs;
using Shoal.Core.Workers;
using static Shoal.Aws.Tests.Ledger.LedgerTestKit;

namespace Shoal.Aws.Tests.Ledger;

public sealed class DynamoTableProvisionerTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private readonly CancellationToken ct = CancellationToken.None;
    private AwsClients clients = null!;
    private FaultInjectingDynamoApi api = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        clients = moto.NewClients();
        api = new FaultInjectingDynamoApi(new DynamoApi(clients.DynamoDb));
    }

    public Task DisposeAsync()
    {
        clients.Dispose();
        return Task.CompletedTask;
    }

    private DynamoTableProvisioner Provisioner() => new(api, TimeProvider.System, retry: FastRetry()) { PollInterval = TimeSpan.FromMilliseconds(20) };

    private async Task<TableDescription> DescribeAsync(string table = Table) =>
        (await clients.DynamoDb.DescribeTableAsync(new DescribeTableRequest { TableName = table })).Table;

    private Task CreateRawTableAsync(string table, params (string Name, ScalarAttributeType Type, KeyType Key)[] keys) =>
        clients.DynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            KeySchema = keys.Select(k => new KeySchemaElement(k.Name, k.Key)).ToList(),
            AttributeDefinitions = keys.Select(k => new AttributeDefinition(k.Name, k.Type)).ToList(),
            ProvisionedThroughput = new ProvisionedThroughput(10, 10), // as the seed's template
        });

    [Fact]
    public async Task Creates_an_on_demand_table_keyed_by_job_id_with_the_status_index_and_ttl()
    {
        var result = await Provisioner().EnsureAsync(Table, ct);

        Assert.True(result.Created);
        Assert.False(result.StatusIndexAdded);
        Assert.True(result.TimeToLiveEnabled);
        Assert.Empty(result.Warnings);
        var table = await DescribeAsync();
        Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary.BillingMode);
        var key = Assert.Single(table.KeySchema);
        Assert.Equal(("job_id", KeyType.HASH), (key.AttributeName, key.KeyType));
        var index = Assert.Single(table.GlobalSecondaryIndexes);
        Assert.Equal("status-updated_at", index.IndexName);
        Assert.Equal(ProjectionType.ALL, index.Projection.ProjectionType);
        Assert.Equal(["status HASH", "updated_at RANGE"], index.KeySchema.Select(k => $"{k.AttributeName} {k.KeyType}"));
        var ttl = (await clients.DynamoDb.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = Table })).TimeToLiveDescription;
        Assert.Equal(TimeToLiveStatus.ENABLED, ttl.TimeToLiveStatus);
        Assert.Equal("expires_at", ttl.AttributeName);
    }

    [Fact]
    public async Task Is_idempotent()
    {
        await Provisioner().EnsureAsync(Table, ct);
        var updates = api.Calls(nameof(IDynamoApi.UpdateTimeToLiveAsync));

        var again = await Provisioner().EnsureAsync(Table, ct);

        Assert.Equal(new DynamoTableProvisionResult { TableName = Table, TimeToLiveEnabled = true, Warnings = again.Warnings }, again);
        Assert.Empty(again.Warnings);
        Assert.Equal(1, api.Calls(nameof(IDynamoApi.CreateTableAsync)));
        Assert.Equal(0, api.Calls(nameof(IDynamoApi.UpdateTableAsync)));
        Assert.Equal(updates, api.Calls(nameof(IDynamoApi.UpdateTimeToLiveAsync))); // real AWS rejects enabling TTL twice
    }

    [Fact]
    public async Task Adopts_a_seed_table_adding_the_index_and_ttl_and_keeps_its_rows()
    {
        await CreateRawTableAsync(Table, ("job_id", ScalarAttributeType.S, KeyType.HASH));
        await clients.DynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = Table,
            Item = new Dictionary<string, AttributeValue> { ["job_id"] = new() { S = "old-job" }, ["Status"] = new() { S = "Successful" }, ["Retries"] = new() { S = "0 of 3" } },
        });

        var result = await Provisioner().EnsureAsync(Table, ct);

        Assert.False(result.Created);
        Assert.True(result.StatusIndexAdded);
        Assert.True(result.TimeToLiveEnabled);
        var table = await DescribeAsync();
        var index = Assert.Single(table.GlobalSecondaryIndexes);
        Assert.Equal(10, index.ProvisionedThroughput.ReadCapacityUnits); // a provisioned table's index needs throughput
        Assert.Equal("Successful", (await RawItemAsync(clients.DynamoDb, "old-job"))!["Status"].S);

        // The adopted table works as a ledger, and adopting it again changes nothing.
        var ledger = new DynamoJobLedger(api, Table, TimeProvider.System);
        var job = JobTransitions.Registered("render", Spec("job-1"), Body("job-1"), Start);
        Assert.True(await ledger.TryWriteAsync(null, job, ct));
        Assert.Equal([job], await ledger.ListAsync("render", JobStatus.Queued, ct));
        var again = await Provisioner().EnsureAsync(Table, ct);
        Assert.False(again.Created || again.StatusIndexAdded);
        Assert.Empty(again.Warnings);
    }

    [Theory]
    [InlineData("id", "S", false)]
    [InlineData("job_id", "N", false)]
    [InlineData("job_id", "S", true)]
    public async Task Refuses_a_table_with_another_key_naming_the_table_and_the_difference(string hash, string type, bool withRange)
    {
        var keys = new List<(string, ScalarAttributeType, KeyType)> { (hash, ScalarAttributeType.FindValue(type), KeyType.HASH) };
        if (withRange)
        {
            keys.Add(("attempt", ScalarAttributeType.N, KeyType.RANGE));
        }

        await CreateRawTableAsync("someone-elses", [.. keys]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Provisioner().EnsureAsync("someone-elses", ct));

        Assert.Contains("'someone-elses'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{hash} ({type}) HASH", error.Message, StringComparison.Ordinal);
        Assert.Contains("'job_id' (String)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, api.Calls(nameof(IDynamoApi.UpdateTableAsync)));
    }

    [Fact]
    public async Task Refuses_an_index_of_that_name_with_other_keys()
    {
        await clients.DynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = Table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement("job_id", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("job_id", ScalarAttributeType.S), new AttributeDefinition("status", ScalarAttributeType.S)],
            GlobalSecondaryIndexes =
            [
                new GlobalSecondaryIndex
                {
                    IndexName = "status-updated_at",
                    KeySchema = [new KeySchemaElement("status", KeyType.HASH)],
                    Projection = new Projection { ProjectionType = ProjectionType.KEYS_ONLY },
                },
            ],
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Provisioner().EnsureAsync(Table, ct));

        Assert.Contains("status-updated_at", error.Message, StringComparison.Ordinal);
        Assert.Contains("KEYS_ONLY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_to_add_the_index_says_what_is_missing_and_how_to_add_it()
    {
        await CreateRawTableAsync(Table, ("job_id", ScalarAttributeType.S, KeyType.HASH));
        api.FailNext(nameof(IDynamoApi.UpdateTableAsync), () => FaultInjectingDynamoApi.AccessDenied("UpdateTable"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Provisioner().EnsureAsync(Table, ct));

        Assert.Contains("lacks the index 'status-updated_at'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AwsUnauthorized", error.Message, StringComparison.Ordinal);
        Assert.Contains("aws dynamodb update-table --table-name " + Table, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ttl_trouble_is_a_warning_not_a_failure()
    {
        api.FailNext(nameof(IDynamoApi.UpdateTimeToLiveAsync), () => FaultInjectingDynamoApi.AccessDenied("UpdateTimeToLive"));

        var result = await Provisioner().EnsureAsync(Table, ct);

        Assert.True(result.Created);
        Assert.False(result.TimeToLiveEnabled);
        Assert.Contains("could not enable TTL", Assert.Single(result.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ttl_on_another_attribute_is_left_alone_with_a_warning()
    {
        await CreateRawTableAsync(Table, ("job_id", ScalarAttributeType.S, KeyType.HASH));
        await clients.DynamoDb.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
        {
            TableName = Table,
            TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = "ttl", Enabled = true },
        });

        var result = await Provisioner().EnsureAsync(Table, ct);

        Assert.False(result.TimeToLiveEnabled);
        Assert.Contains("'ttl'", Assert.Single(result.Warnings), StringComparison.Ordinal);
        Assert.Equal(0, api.Calls(nameof(IDynamoApi.UpdateTimeToLiveAsync)));
    }

    [Fact]
    public async Task Losing_the_create_race_to_another_replica_adopts_its_table()
    {
        // The other replica's table appears between our describe and our create.
        api.FailNext(nameof(IDynamoApi.CreateTableAsync), () =>
        {
            new DynamoTableProvisioner(new DynamoApi(clients.DynamoDb), TimeProvider.System).EnsureAsync(Table, CancellationToken.None).GetAwaiter().GetResult();
            return new ResourceInUseException($"Table already exists: {Table}") { ErrorCode = "ResourceInUseException" };
        });

        var result = await Provisioner().EnsureAsync(Table, ct);

        Assert.False(result.Created);
        Assert.True(result.TimeToLiveEnabled);
        Assert.Equal(TableStatus.ACTIVE, (await DescribeAsync()).TableStatus);
    }
}
