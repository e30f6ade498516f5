using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Aws.Errors;
using Shoal.Aws.Hosting;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Controllers;

/// <summary>
/// Ensures a JobQueue's AWS side (queues, job table, ingest) and keeps its status: counts from the job
/// table's counter item and the queue's attributes, workers from the Worker CRs, a Ready condition that
/// says what is missing or forbidden. Its finalizer honours the deletion policy.
/// </summary>
internal sealed class JobQueueReconciler(OperatorContext context) : IReconciler<JobQueue>
{
    private readonly ILogger logger = context.Loggers.CreateLogger<JobQueueReconciler>();

    public string Name => "jobqueue";

    public async Task<ReconcileResult> ReconcileAsync(ResourceKey key, JobQueue? jobQueue, CancellationToken ct)
    {
        if (jobQueue is null)
        {
            await context.Queues.RemoveAsync(key);
            return ReconcileResult.Done;
        }

        if (jobQueue.Metadata.DeletionTimestamp is not null)
        {
            return await FinalizeAsync(key, jobQueue, ct);
        }

        if (!Finalizers.Has(jobQueue, OperatorNames.JobQueueFinalizer))
        {
            // Before the first AWS side effect, so a deletion can never skip the clean-up.
            jobQueue = await Finalizers.AddAsync(context.JobQueues, jobQueue, OperatorNames.JobQueueFinalizer, ct);
            if (jobQueue is null)
            {
                return ReconcileResult.Done;
            }
        }

        var generation = jobQueue.Metadata.Generation ?? 0;
        AwsEngine engine;
        try
        {
            engine = await context.Queues.EnsureAsync(jobQueue, ct);
        }
        catch (Exception e) when (e is AwsSetupException || (e is not OperationCanceledException && AwsErrorClassifier.Classify(e) != AwsErrorKind.Unknown))
        {
            var reason = ReasonOf(e);
            logger.LogWarning("JobQueue {Key}: {Reason}: {Message}", key, reason, e.Message);
            await context.Events.RecordAsync(jobQueue, "Warning", reason, e.Message, ct);
            await WriteStatusAsync(jobQueue, s =>
            {
                s.Conditions = ReadyCondition.With(s.Conditions, false, reason, e.Message, generation, context.Time.GetUtcNow());
            }, ct);
            return ReconcileResult.After(TimeSpan.FromSeconds(30));
        }

        var counts = await engine.Ledger.GetCountsAsync(engine.Queue.Name, ct);
        var depth = await engine.Queue.GetDepthAsync(ct);
        var workers = context.WorkerCache.List().Count(w =>
            (w.Metadata.Namespace ?? "default") == key.Namespace
            && w.Metadata.Labels is { } labels && labels.TryGetValue(OperatorNames.QueueLabel, out var queue) && queue == key.Name
            && w.Metadata.DeletionTimestamp is null);
        var urls = engine.Queue.Urls;
        var tableName = engine.Ledger.TableName;
        var ready = $"queue {urls.Name} and table {tableName} are ready";
        await WriteStatusAsync(jobQueue, s =>
        {
            s.ObservedGeneration = generation;
            s.QueueUrl = urls.QueueUrl;
            s.DeadLetterQueueUrl = urls.DeadLetterUrl;
            s.FinishedQueueUrl = urls.FinishedUrl;
            s.TableName = tableName;
            s.Counts = new JobQueueCounts
            {
                // Waiting in SQS (jobs sent by anyone, known to the table or not) or held for a retry.
                Queued = depth.Visible + depth.Delayed,
                Running = counts.Running,
                Succeeded = counts.Succeeded,
                Failed = counts.Failed,
                DeadLettered = depth.DeadLettered,
            };
            s.Workers = workers;
            s.Conditions = ReadyCondition.With(s.Conditions, true, "Provisioned", ready, generation, context.Time.GetUtcNow());
        }, ct);
        context.Metrics.SetJobs(key.Namespace, key.Name, counts, depth.DeadLettered);
        context.Metrics.SetQueueDepth(key.Namespace, key.Name, depth);
        return ReconcileResult.After(context.StatusInterval);
    }

    private async Task<ReconcileResult> FinalizeAsync(ResourceKey key, JobQueue jobQueue, CancellationToken ct)
    {
        if (!Finalizers.Has(jobQueue, OperatorNames.JobQueueFinalizer))
        {
            return ReconcileResult.Done;
        }

        if (jobQueue.Spec.DeletionPolicy == DeletionPolicies.Delete)
        {
            var engine = await context.Queues.EnsureAsync(jobQueue, ct);
            await QueueResources.DeleteAsync(context.Aws, engine, logger, ct);
            await context.Events.RecordAsync(jobQueue, "Normal", "Deleted", $"deleted queue {engine.Queue.Name} (with its dead-letter, finished and event queues) and table {engine.Ledger.TableName}", ct);
        }

        await context.Queues.RemoveAsync(key);
        context.Metrics.RemoveQueue(key.Namespace, key.Name);
        await Finalizers.RemoveAsync(context.JobQueues, jobQueue, OperatorNames.JobQueueFinalizer, ct);
        return ReconcileResult.Done;
    }

    private async Task WriteStatusAsync(JobQueue jobQueue, Action<JobQueueStatus> change, CancellationToken ct)
    {
        var current = jobQueue.Status;
        var next = StatusJson.Copy(current);
        change(next);
        if (!StatusJson.Same(current, next))
        {
            await context.JobQueues.PatchStatusAsync(jobQueue.Metadata.Namespace ?? "default", jobQueue.Metadata.Name, new { status = next }, ct);
        }
    }


    private static string ReasonOf(Exception e) => AwsErrorClassifier.Classify(e is AwsSetupException { InnerException: { } inner } ? inner : e) switch
    {
        AwsErrorKind.Unauthorized => "Forbidden",
        AwsErrorKind.NotFound => "NotFound",
        AwsErrorKind.Throttled => "Throttled",
        _ => "AwsSetupFailed",
    };
}
