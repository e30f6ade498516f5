using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Aws.Hosting;
using Shoal.Aws.Sdk;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Engine;

/// <summary>
/// The AWS side of each JobQueue (queues and job table, created or found), opened once per generation and
/// shared by the JobQueue controller's status refreshes.
/// </summary>
internal sealed class QueueRegistry(AwsClients clients, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<ResourceKey, (long Generation, AwsEngine Engine)> engines = new();
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<AwsEngine> EnsureAsync(JobQueue jobQueue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobQueue);
        var key = ResourceKeys.Of(jobQueue);
        var generation = jobQueue.Metadata.Generation ?? 0;
        if (engines.TryGetValue(key, out var open) && open.Generation == generation)
        {
            return open.Engine;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (engines.TryGetValue(key, out open))
            {
                if (open.Generation == generation)
                {
                    return open.Engine;
                }

                await open.Engine.DisposeAsync();
                engines.TryRemove(key, out _);
            }

            var engine = await AwsEngine.OpenAsync(jobQueue, clients, time, logger, cancellationToken);
            engines[key] = (generation, engine);
            return engine;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task RemoveAsync(ResourceKey key)
    {
        if (engines.TryRemove(key, out var open))
        {
            await open.Engine.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in engines.Keys.ToList())
        {
            await RemoveAsync(key);
        }

        gate.Dispose();
    }
}
