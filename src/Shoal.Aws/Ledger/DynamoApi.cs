using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Shoal.Aws.Ledger;

/// <summary>The SDK client behind <see cref="IDynamoApi"/>; it adds nothing, so fakes stay honest.</summary>
public sealed class DynamoApi(IAmazonDynamoDB client) : IDynamoApi
{
    private readonly IAmazonDynamoDB client = client ?? throw new ArgumentNullException(nameof(client));

    public Task<GetItemResponse> GetItemAsync(GetItemRequest request, CancellationToken cancellationToken) =>
        client.GetItemAsync(request, cancellationToken);

    public Task<TransactWriteItemsResponse> TransactWriteItemsAsync(TransactWriteItemsRequest request, CancellationToken cancellationToken) =>
        client.TransactWriteItemsAsync(request, cancellationToken);

    public Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken) =>
        client.QueryAsync(request, cancellationToken);

    public Task<DescribeTableResponse> DescribeTableAsync(DescribeTableRequest request, CancellationToken cancellationToken) =>
        client.DescribeTableAsync(request, cancellationToken);

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) =>
        client.CreateTableAsync(request, cancellationToken);

    public Task<UpdateTableResponse> UpdateTableAsync(UpdateTableRequest request, CancellationToken cancellationToken) =>
        client.UpdateTableAsync(request, cancellationToken);

    public Task<DescribeTimeToLiveResponse> DescribeTimeToLiveAsync(DescribeTimeToLiveRequest request, CancellationToken cancellationToken) =>
        client.DescribeTimeToLiveAsync(request, cancellationToken);

    public Task<UpdateTimeToLiveResponse> UpdateTimeToLiveAsync(UpdateTimeToLiveRequest request, CancellationToken cancellationToken) =>
        client.UpdateTimeToLiveAsync(request, cancellationToken);
}
