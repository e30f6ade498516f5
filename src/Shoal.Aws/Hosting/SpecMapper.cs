using Shoal.Api.V1Alpha1;
using Shoal.Core.Jobs;
using Shoal.Core.Scaling;

namespace Shoal.Aws.Hosting;

// From the declared API (strings, seconds) to the engine's settings (enums, TimeSpans). Inputs are
// expected to have passed the manifest loader or the CRD schema; anything else is a programming error.
public static class SpecMapper
{
    public static QueueSettings ToQueueSettings(JobQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return new QueueSettings
        {
            // The local engine keys queues by the JobQueue's name; SQS and table names are AWS concerns.
            Name = queue.Metadata.Name,
            Defaults = ToJobDefaults(queue.Spec.JobDefaults),
            MaxInterruptions = queue.Spec.MaxInterruptions,
            LeaseDuration = TimeSpan.FromSeconds(queue.Spec.LeaseSeconds),
        };
    }

    public static PoolSettings ToPoolSettings(WorkerPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var spec = pool.Spec;
        return new PoolSettings
        {
            Name = pool.Metadata.Name,
            MinWorkers = spec.MinWorkers,
            MaxWorkers = spec.MaxWorkers,
            JobsPerWorker = spec.JobsPerWorker,
            IdleTimeout = TimeSpan.FromSeconds(spec.IdleTimeoutSeconds),
            MaxJobsPerWorker = spec.MaxJobsPerWorker,
            MaxLifetime = spec.MaxLifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
    }

    public static JobDefaults ToJobDefaults(JobDefaultsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new JobDefaults
        {
            Retry = spec.Retry,
            // Blank means "no output check" (DESIGN §2); the engine spells that as null.
            SuccessString = string.IsNullOrWhiteSpace(spec.SuccessString) ? null : spec.SuccessString,
            Platform = ToPlatform(spec.Platform),
            Document = spec.Document,
            TimeoutSeconds = spec.TimeoutSeconds,
        };
    }

    public static Platform ToPlatform(string platform) => platform switch
    {
        Platforms.Linux => Platform.Linux,
        Platforms.Windows => Platform.Windows,
        _ => throw new ArgumentException($"platform must be one of {string.Join(", ", Platforms.All)}, got \"{platform}\"", nameof(platform)),
    };

    public static string QueueNameOf(JobQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.Spec.QueueName ?? queue.Metadata.Name + WellKnown.QueueNameSuffix;
    }

    public static string TableNameOf(JobQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.Spec.TableName ?? queue.Metadata.Name + WellKnown.TableNameSuffix;
    }
}
