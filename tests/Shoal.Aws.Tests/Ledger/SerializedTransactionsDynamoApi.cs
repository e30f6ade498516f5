using Amazon.DynamoDBv2.Model;
using Shoal.Aws.Ledger;

namespace Shoal.Aws.Tests.Ledger;

/// <summary>
/// Lets one TransactWriteItems reach moto at a time. moto_server 5.2.1 is threaded and its transactions
/// are not isolated: it deep-copies each table before a transaction and puts that copy back when the
/// transaction fails, undoing whatever another transaction committed in between (measured: a lost
/// claim erased the winning claim and its counter increments). Real DynamoDB isolates transactions per
/// item, so racing tests serialize here: they test the ledger's compare-and-swap, not moto's locking.
/// </summary>
public sealed class SerializedTransactionsDynamoApi(IDynamoApi inner) : IDynamoApi
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<TransactWriteItemsResponse> TransactWriteItemsAsync(TransactWriteItemsRequest request, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await inner.TransactWriteItemsAsync(request, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<GetItemResponse> GetItemAsync(GetItemRequest request, CancellationToken cancellationToken) => inner.GetItemAsync(request, cancellationToken);

    public Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken) => inner.QueryAsync(request, cancellationToken);

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) => inner.DescribeTableAsync(request, cancellationToken);

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) => inner.CreateTableAsync(request, cancellationToken);

    public Task<UpdateTableResponse> UpdateTableAsync(UpdateTableRequest request, CancellationToken cancellationToken) => inner.UpdateTableAsync(request, cancellationToken);

    public Task<DescribeTimeToLiveResponse> DescribeTimeToLiveAsync(DescribeTimeToLiveRequest request, CancellationToken cancellationToken) =>
        inner.DescribeTimeToLiveAsync(request, cancellationToken);

    public Task<UpdateTimeToLiveResponse> UpdateTimeToLiveAsync(UpdateTimeToLiveRequest request, CancellationToken cancellationToken) =>
        inner.UpdateTimeToLiveAsync(request, cancellationToken);
}
