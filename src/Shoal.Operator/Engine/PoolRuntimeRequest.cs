using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Aws.Sdk;
using Shoal.Operator.Observability;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Engine;

internal sealed record PoolRuntimeRequest
{
    public required JobQueue JobQueue { get; init; }

    public required WorkerPool Pool { get; init; }

    public required IReadOnlyList<Worker> ExistingWorkers { get; init; }

    public required AwsClients Clients { get; init; }

    public required IResourceClient<Worker> Workers { get; init; }

    public required IEventRecorder Events { get; init; }

    public required OperatorMetrics Metrics { get; init; }

    public required string OwnerId { get; init; }

    /// <summary>Called with a worker id whenever its loop reports something.</summary>
    public required Action<string> WorkerChanged { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILogger Logger { get; init; }

    public TimeSpan ScaleInterval { get; init; } = TimeSpan.FromSeconds(10);
}
