using Amazon.DynamoDBv2.Model;

namespace Shoal.Aws.Ledger;

/// <summary>
/// The DynamoDB calls the job ledger and its provisioner make, and no others: small enough to fake
/// with faults (throttling, cancelled transactions) in tests, and a list of the IAM actions needed.
/// </summary>
public interface IDynamoApi
{
    Task<GetItemResponse> GetItemAsync(GetItemRequest request, CancellationToken cancellationToken);

    Task<TransactWriteItemsResponse> TransactWriteItemsAsync(TransactWriteItemsRequest request, CancellationToken cancellationToken);

    Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken);

    Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken);

    Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken);

    Task<UpdateTableResponse> UpdateTableAsync(UpdateTableRequest request, CancellationToken cancellationToken);

    Task<DescribeTimeToLiveResponse> DescribeTimeToLiveAsync(DescribeTimeToLiveRequest request, CancellationToken cancellationToken);

    Task<UpdateTimeToLiveResponse> UpdateTimeToLiveAsync(UpdateTimeToLiveRequest request, CancellationToken cancellationToken);
}
