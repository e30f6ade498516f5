using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Shoal.Aws.Errors;
using Shoal.Aws.Ledger;
using Shoal.Core.Jobs;

namespace Shoal.Aws.Tests.Ledger;

internal static class LedgerTestKit
{
    public const string Table = "jobs-job-monitoring";

    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static JobSpec Spec(string id, int retry = 1) => new()
    {
        JobId = id,
        Retry = retry,
        Document = "AWS-RunShellScript",
        Commands = ["echo Hello World"],
        SuccessString = "Hello",
    };

    public static string Body(string id, int retry = 1) =>
        $$"""{ "job_id": "{{id}}", "retry": "{{retry}}", "job_success_string": "Hello", "ssm_document": "AWS-RunShellScript", "commands": ["echo Hello World"] }""";

    /// <summary>Real waits, but tiny: the fault tests count retries, they do not measure back-off.</summary>
    public static AwsRetry FastRetry(int maxAttempts = 4) =>
        new(TimeProvider.System, maxAttempts, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5));

    public static async Task ProvisionAsync(IDynamoApi api, string table = Table) =>
        await new DynamoTableProvisioner(api, TimeProvider.System) { PollInterval = TimeSpan.FromMilliseconds(20) }.EnsureAsync(table, CancellationToken.None);

    /// <summary>The item as <c>aws dynamodb get-item --key '{"job_id":{"S":"ID"}}'</c> shows it.</summary>
    public static async Task<Dictionary<string, AttributeValue>?> RawItemAsync(IAmazonDynamoDB client, string jobId, string table = Table)
    {
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new Dictionary<string, AttributeValue> { ["job_id"] = new() { S = jobId } },
            ConsistentRead = true,
        });
        return response.Item is { Count: > 0 } item ? item : null;
    }
}
