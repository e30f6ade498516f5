using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Workers;

namespace Shoal.Cli.Jobs;

/// <summary>
/// Puts jobs on the queue. A valid job is also registered in the ledger as QUEUED, after the send, so
/// a crash in between leaves a message (which the engine claims) rather than a record with no message.
/// Job ids are idempotent: a job that already ran is not sent again.
/// </summary>
internal static class Submitter
{
    public static async Task<SubmitResult> SubmitAsync(IReadOnlyList<JobSource> sources, IJobQueue queue, IJobLedger ledger, JobDefaults defaults, TimeProvider time, CancellationToken cancellationToken)
    {
        var result = new SubmitResult();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var parsed = JobMessageParser.Parse(source.Body, defaults);
            if (parsed.Job is { } job)
            {
                if (!seen.Add(job.JobId))
                {
                    result.Skipped.Add($"{source.Origin}: job_id \"{job.JobId}\" appears twice in what you submitted; job ids name one job each, so only the first is sent");
                    continue;
                }

                if (await ledger.GetAsync(job.JobId, cancellationToken) is { } existing)
                {
                    result.Skipped.Add($"{source.Origin}: job_id \"{job.JobId}\" is already known ({existing.Status.ToString().ToUpperInvariant()}); it is not sent again (use a new job_id to run it again)");
                    continue;
                }

                await queue.SendAsync(source.Body, TimeSpan.Zero, cancellationToken);
                await ledger.TryWriteAsync(null, JobTransitions.Registered(queue.Name, job, source.Body, time.GetUtcNow()), cancellationToken);
                result.Sent++;
            }
            else
            {
                // Sent anyway: the engine records it as FAILED InvalidJob with the raw body, like any poison message.
                await queue.SendAsync(source.Body, TimeSpan.Zero, cancellationToken);
                result.Invalid.Add($"{source.Origin}: {parsed.ErrorText}");
                result.Sent++;
            }
        }

        return result;
    }
}
