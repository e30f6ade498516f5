using System.Collections.Concurrent;
using System.Net;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Shoal.Aws.Ledger;

namespace Shoal.Aws.Tests.Ledger;

/// <summary>
/// A hand-written <see cref="IDynamoApi"/> for fault injection: it passes calls to moto unless a fault
/// is queued for that call, in which case it throws the fault instead (so nothing reaches the table,
/// as with a real throttle or cancelled transaction). It records every call and each transaction's
/// client request token.
/// </summary>
public sealed class FaultInjectingDynamoApi(IDynamoApi inner) : IDynamoApi
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<Exception>>> faults = new();
    private readonly ConcurrentDictionary<string, int> calls = new();

    public ConcurrentQueue<string> TransactionTokens { get; } = new();

    /// <summary>The next calls of <paramref name="operation"/> (an <see cref="IDynamoApi"/> method name) throw these, in order.</summary>
    public void FailNext(string operation, params Func<Exception>[] errors)
    {
        var queue = faults.GetOrAdd(operation, _ => new ConcurrentQueue<Func<Exception>>());
        foreach (var error in errors)
        {
            queue.Enqueue(error);
        }
    }

    public int Calls(string operation) => calls.GetValueOrDefault(operation);

    public static AmazonServiceException Throttling() =>
        new("Rate of requests exceeds the allowed throughput.") { ErrorCode = "ThrottlingException", StatusCode = HttpStatusCode.BadRequest };

    public static ProvisionedThroughputExceededException ProvisionedThroughputExceeded() =>
        new("The level of configured provisioned throughput for the table was exceeded.") { ErrorCode = "ProvisionedThroughputExceededException", StatusCode = HttpStatusCode.BadRequest };

    public static AmazonServiceException InternalServerError() =>
        new("Internal server error") { ErrorCode = "InternalServerError", StatusCode = HttpStatusCode.InternalServerError };

    public static AmazonServiceException AccessDenied(string action) =>
        new($"User is not authorized to perform: dynamodb:{action}") { ErrorCode = "AccessDeniedException", StatusCode = HttpStatusCode.BadRequest };

    /// <summary>As DynamoDB reports it: one reason per item of the request, "None" for the items that were fine.</summary>
    public static TransactionCanceledException TransactionCanceled(params string[] reasonCodes) =>
        new($"Transaction cancelled, please refer cancellation reasons for specific reasons [{string.Join(", ", reasonCodes)}]")
        {
            ErrorCode = "TransactionCanceledException",
            StatusCode = HttpStatusCode.BadRequest,
            CancellationReasons = reasonCodes.Select(code => new CancellationReason { Code = code }).ToList(),
        };

    public Task<GetItemResponse> GetItemAsync(GetItemRequest request, CancellationToken cancellationToken) =>
        Run(nameof(GetItemAsync), () => inner.GetItemAsync(request, cancellationToken));

    public Task<TransactWriteItemsResponse> TransactWriteItemsAsync(TransactWriteItemsRequest request, CancellationToken cancellationToken)
    {
        TransactionTokens.Enqueue(request.ClientRequestToken);
        return Run(nameof(TransactWriteItemsAsync), () => inner.TransactWriteItemsAsync(request, cancellationToken));
    }

    public Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken) =>
        Run(nameof(QueryAsync), () => inner.QueryAsync(request, cancellationToken));

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) =>
        Run(nameof(DescribeTableAsync), () => inner.DescribeTableAsync(request, cancellationToken));

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) =>
        Run(nameof(CreateTableAsync), () => inner.CreateTableAsync(request, cancellationToken));

    public Task<UpdateTableResponse> UpdateTableAsync(UpdateTableRequest request, CancellationToken cancellationToken) =>
        Run(nameof(UpdateTableAsync), () => inner.UpdateTableAsync(request, cancellationToken));

    public Task<DescribeTimeToLiveResponse> DescribeTimeToLiveAsync(DescribeTimeToLiveRequest request, CancellationToken cancellationToken) =>
        Run(nameof(DescribeTimeToLiveAsync), () => inner.DescribeTimeToLiveAsync(request, cancellationToken));

    public Task<UpdateTimeToLiveResponse> UpdateTimeToLiveAsync(UpdateTimeToLiveRequest request, CancellationToken cancellationToken) =>
        Run(nameof(UpdateTimeToLiveAsync), () => inner.UpdateTimeToLiveAsync(request, cancellationToken));

    private async Task<T> Run<T>(string operation, Func<Task<T>> call)
    {
        calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        if (faults.TryGetValue(operation, out var queue) && queue.TryDequeue(out var fault))
        {
            throw fault();
        }

        return await call();
    }
}
