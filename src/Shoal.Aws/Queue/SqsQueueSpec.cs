namespace Shoal.Aws.Queue;

/// <summary>
/// What a JobQueue asks of SQS. With <see cref="Url"/> the queue exists already and is used as it is;
/// without it, <see cref="Name"/> and its companions are created (or brought back to these settings).
/// </summary>
public sealed record SqsQueueSpec
{
    /// <summary>The job queue's name; taken from <see cref="Url"/> when that is given and this is not.</summary>
    public string? Name { get; init; }

    /// <summary>An existing job queue. Shoal never changes the attributes of a queue it did not create.</summary>
    public string? Url { get; init; }

    /// <summary>An existing dead-letter queue; else the existing queue's redrive target, else <c>&lt;name&gt;-dead-letter</c>.</summary>
    public string? DeadLetterUrl { get; init; }

    /// <summary>An existing finished queue; else <c>&lt;name&gt;-finished</c> when <see cref="Finished"/> is set.</summary>
    public string? FinishedUrl { get; init; }

    /// <summary>Publish terminal records of succeeded jobs to a finished queue (the seed's integration point).</summary>
    public bool Finished { get; init; } = true;

    /// <summary>
    /// Receives before SQS moves a message to the dead-letter queue. High on purpose: the engine
    /// receives a long job's message again every 12 hours and each time another worker sees it held,
    /// so a low count would dead-letter healthy long jobs.
    /// </summary>
    public int MaxReceiveCount { get; init; } = 1000;

    /// <summary>The queue's default visibility; the engine sets its own on every receive.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>SQS's maximum, so an unattended backlog or dead letter is not dropped after the default 4 days.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(14);
}
