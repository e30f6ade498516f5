using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Aws.Sdk;
using Shoal.Operator.Engine;
using Shoal.Operator.Observability;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Controllers;

// What the three controllers share: the API clients and caches of the three kinds, the AWS clients, and
// the running engine.
internal sealed record OperatorContext
{
    public required IResourceClient<JobQueue> JobQueues { get; init; }

    public required IResourceClient<WorkerPool> WorkerPools { get; init; }

    public required IResourceClient<Worker> Workers { get; init; }

    public required Informer<JobQueue> JobQueueCache { get; init; }

    public required Informer<WorkerPool> WorkerPoolCache { get; init; }

    public required Informer<Worker> WorkerCache { get; init; }

    public required AwsClients Aws { get; init; }

    public required QueueRegistry Queues { get; init; }

    public required PoolRegistry Pools { get; init; }

    public required InstanceTerminator Terminator { get; init; }

    public required IEventRecorder Events { get; init; }

    public required OperatorMetrics Metrics { get; init; }

    /// <summary>The owner tag on instances this operator launches; its garbage collector looks for it.</summary>
    public required string OwnerId { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILoggerFactory Loggers { get; init; }

    /// <summary>Called with (namespace, worker name) when a worker loop reports something.</summary>
    public Action<ResourceKey> WorkerChanged { get; set; } = _ => { };

    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ScaleInterval { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<Worker> WorkersOf(string @namespace, string pool) =>
        [.. WorkerCache.List().Where(w => (w.Metadata.Namespace ?? "default") == @namespace && w.Spec.PoolName == pool)];
}
