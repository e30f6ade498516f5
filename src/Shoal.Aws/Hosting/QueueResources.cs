using Amazon.DynamoDBv2.Model;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Shoal.Aws.Errors;
using Shoal.Aws.Sdk;

namespace Shoal.Aws.Hosting;

// A JobQueue's deletionPolicy: Delete. Everything Shoal created for the queue goes; what is already gone is skipped.
public static class QueueResources
{
    private static readonly string[] OwnQueueSuffixes = ["-ingest", "-interruptions", "-command-events"];

    public static async Task DeleteAsync(AwsClients aws, AwsEngine engine, ILogger logger, CancellationToken ct)
    {
        var urls = engine.Queue.Urls;
        var queueUrls = new List<string> { urls.QueueUrl, urls.DeadLetterUrl };
        if (urls.FinishedUrl is { } finished)
        {
            queueUrls.Add(finished);
        }

        foreach (var suffix in OwnQueueSuffixes)
        {
            try
            {
                queueUrls.Add((await aws.Sqs.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = urls.Name + suffix }, ct)).QueueUrl);
            }
            catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
            {
                // Never created (no ingest, or no pool ran): nothing to delete.
            }
        }

        foreach (var url in queueUrls)
        {
            await IgnoreNotFoundAsync(() => aws.Sqs.DeleteQueueAsync(new DeleteQueueRequest { QueueUrl = url }, ct));
            logger.LogInformation("Deleted queue {Url}", url);
        }

        await IgnoreNotFoundAsync(() => aws.DynamoDb.DeleteTableAsync(new DeleteTableRequest { TableName = engine.Ledger.TableName }, ct));
        logger.LogInformation("Deleted table {Table}", engine.Ledger.TableName);
    }

    private static async Task IgnoreNotFoundAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            // Already gone.
        }
    }
}
