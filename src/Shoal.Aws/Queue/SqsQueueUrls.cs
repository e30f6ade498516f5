namespace Shoal.Aws.Queue;

/// <summary>The queues of one JobQueue, as found or created by <see cref="SqsQueueProvisioner"/>.</summary>
public sealed record SqsQueueUrls(string Name, string QueueUrl, string DeadLetterUrl, string? FinishedUrl);
