namespace Shoal.Aws.Ingest;

public sealed record S3IngestSetup(string QueueUrl, string QueueArn, string NotificationId);
