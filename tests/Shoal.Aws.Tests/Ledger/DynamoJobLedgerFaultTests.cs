using Amazon.DynamoDBv2.Model;
using Shoal.Aws.Errors;
using Shoal.Aws.Ledger;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Workers;
using static Shoal.Aws.Tests.Ledger.LedgerTestKit;

namespace Shoal.Aws.Tests.Ledger;

/// <summary>Faults moto cannot produce, injected in front of it: throttling and cancelled transactions.</summary>
public sealed class DynamoJobLedgerFaultTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string Queue = "render";
    private const string Transact = nameof(IDynamoApi.TransactWriteItemsAsync);

    private readonly CancellationToken ct = CancellationToken.None;
    private AwsClients clients = null!;
    private FaultInjectingDynamoApi faults = null!;
    private AwsRetry retry = null!;
    private DynamoJobLedger ledger = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        clients = moto.NewClients();
        var api = new DynamoApi(clients.DynamoDb);
        await ProvisionAsync(api);
        faults = new FaultInjectingDynamoApi(api);
        retry = FastRetry(maxAttempts: 4);
        ledger = new DynamoJobLedger(faults, Table, TimeProvider.System, retry: retry);
    }

    public Task DisposeAsync()
    {
        clients.Dispose();
        return Task.CompletedTask;
    }

    private static JobRecord Registered(string id) => JobTransitions.Registered(Queue, Spec(id), Body(id), Start);

    [Fact]
    public async Task Throttled_writes_are_retried_and_then_succeed_once()
    {
        faults.FailNext(Transact, FaultInjectingDynamoApi.Throttling, FaultInjectingDynamoApi.ProvisionedThroughputExceeded, FaultInjectingDynamoApi.Throttling);

        Assert.True(await ledger.TryWriteAsync(null, Registered("job-1"), ct));

        Assert.Equal(4, faults.Calls(Transact));
        Assert.Equal(3, retry.Retries);
        Assert.Equal(Registered("job-1"), await ledger.GetAsync("job-1", ct));
        Assert.Equal(new JobCounts { Jobs = 1, Queued = 1 }, await ledger.GetCountsAsync(Queue, ct));
    }

    [Fact]
    public async Task Throttled_reads_are_retried()
    {
        Assert.True(await ledger.TryWriteAsync(null, Registered("job-1"), ct));
        faults.FailNext(nameof(IDynamoApi.GetItemAsync), FaultInjectingDynamoApi.ProvisionedThroughputExceeded, FaultInjectingDynamoApi.InternalServerError);
        faults.FailNext(nameof(IDynamoApi.QueryAsync), FaultInjectingDynamoApi.Throttling);

        Assert.Equal(Registered("job-1"), await ledger.GetAsync("job-1", ct));
        Assert.Single(await ledger.ListAsync(Queue, JobStatus.Queued, ct));
    }

    [Fact]
    public async Task A_transaction_cancelled_by_throttling_or_contention_is_retried_not_reported_as_a_lost_race()
    {
        faults.FailNext(Transact,
            () => FaultInjectingDynamoApi.TransactionCanceled("None", "ThrottlingError"),
            () => FaultInjectingDynamoApi.TransactionCanceled("TransactionConflict", "None"),
            () => FaultInjectingDynamoApi.TransactionCanceled("ProvisionedThroughputExceeded", "None"));

        Assert.True(await ledger.TryWriteAsync(null, Registered("job-1"), ct));

        Assert.Equal(4, faults.Calls(Transact));
        Assert.Equal(new JobCounts { Jobs = 1, Queued = 1 }, await ledger.GetCountsAsync(Queue, ct));

        // A cancelled transaction wrote nothing, so each retry is a fresh request with a fresh token.
        Assert.Equal(4, faults.TransactionTokens.Distinct().Count());
    }

    [Fact]
    public async Task Ambiguous_failures_are_retried_with_the_same_idempotency_token()
    {
        faults.FailNext(Transact, FaultInjectingDynamoApi.InternalServerError, () => new HttpRequestException("connection reset"));

        Assert.True(await ledger.TryWriteAsync(null, Registered("job-1"), ct));

        // If the first try had committed, DynamoDB would answer the retry with success, not a lost condition.
        Assert.Equal(3, faults.TransactionTokens.Count);
        Assert.Single(faults.TransactionTokens.Distinct());
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_retries_surfaces_as_an_exception_not_as_false()
    {
        faults.FailNext(Transact, Enumerable.Repeat<Func<Exception>>(() => FaultInjectingDynamoApi.TransactionCanceled("None", "ThrottlingError"), 4).ToArray());

        var error = await Assert.ThrowsAsync<TransactionCanceledException>(() => ledger.TryWriteAsync(null, Registered("job-1"), ct));

        Assert.Equal(AwsErrorKind.Throttled, AwsErrorClassifier.Classify(error));
        Assert.Equal(4, faults.Calls(Transact));
        Assert.Null(await ledger.GetAsync("job-1", ct));
    }

    [Fact]
    public async Task A_validation_cancel_surfaces_at_once()
    {
        faults.FailNext(Transact, () => FaultInjectingDynamoApi.TransactionCanceled("ValidationError", "None"));

        await Assert.ThrowsAsync<TransactionCanceledException>(() => ledger.TryWriteAsync(null, Registered("job-1"), ct));

        Assert.Equal(1, faults.Calls(Transact));
    }

    [Fact]
    public async Task A_failed_condition_on_the_job_put_is_a_lost_race()
    {
        faults.FailNext(Transact, () => FaultInjectingDynamoApi.TransactionCanceled("ConditionalCheckFailed", "None"));

        Assert.False(await ledger.TryWriteAsync(null, Registered("job-1"), ct));

        Assert.Equal(1, faults.Calls(Transact));
    }

    [Fact]
    public async Task Errors_that_do_not_get_better_are_not_retried()
    {
        faults.FailNext(Transact, () => FaultInjectingDynamoApi.AccessDenied("TransactWriteItems"));

        var error = await Assert.ThrowsAnyAsync<Amazon.Runtime.AmazonServiceException>(() => ledger.TryWriteAsync(null, Registered("job-1"), ct));

        Assert.Equal(AwsErrorKind.Unauthorized, AwsErrorClassifier.Classify(error));
        Assert.Equal(1, faults.Calls(Transact));
    }
}
