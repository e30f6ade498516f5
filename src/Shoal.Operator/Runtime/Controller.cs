using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Observability;

namespace Shoal.Operator.Runtime;

// The controller host: an informer's changes feed a keyed work queue, and N async workers take keys and call
// the reconciler under the contract written on IReconciler<T>.
//
// The informer is not run here: the caller runs it (on every replica, so a new leader starts with a warm
// cache) and may share it. Keys queue up from the moment this is constructed; RunAsync, started only by the
// leader, waits for the informer's first list and then works them off until cancelled.
public sealed class Controller<T>
    where T : class, IResource
{
    private readonly Informer<T> informer;
    private readonly IReconciler<T> reconciler;
    private readonly int workers;
    private readonly TimeProvider time;
    private readonly OperatorMetrics metrics;
    private readonly ILogger logger;
    private int started;

    public Controller(Informer<T> informer, IReconciler<T> reconciler, int workers, TimeProvider time, OperatorMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(informer);
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentException.ThrowIfNullOrEmpty(reconciler.Name, "reconciler.Name");
        this.informer = informer;
        this.reconciler = reconciler;
        this.workers = workers;
        this.time = time;
        this.metrics = metrics;
        this.logger = logger;
        Queue = new WorkQueue<ResourceKey>(time);
        informer.Changed += OnChanged;
        metrics.TrackWorkQueueDepth(reconciler.Name, () => Queue.Count);
    }

    public string Name => reconciler.Name;

    internal WorkQueue<ResourceKey> Queue { get; }

    // Raised once a key's reconcile is fully accounted for (requeue decided, Done called): what tests wait on.
    internal event Action<ResourceKey>? Processed;

    // For triggers from elsewhere: another kind changed (a Worker's pool), or an AWS event arrived.
    public void Enqueue(ResourceKey key) => Queue.Add(key);

    public void EnqueueAfter(ResourceKey key, TimeSpan delay) => Queue.AddAfter(key, delay);

    // Returns when ct is cancelled and every worker has finished its current reconcile.
    public async Task RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref started, 1) == 1)
        {
            throw new InvalidOperationException($"controller {Name} is already running; a controller runs once per process");
        }

        using var stop = ct.Register(Queue.ShutDown);
        try
        {
            await informer.WaitForSyncAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }

        logger.LogInformation("controller {Controller} started: {Workers} workers over {Kind}", Name, workers, informer.Kind);
        var running = new Task[workers];
        for (var i = 0; i < workers; i++)
        {
            running[i] = Task.Run(() => WorkAsync(ct), CancellationToken.None);
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        logger.LogInformation("controller {Controller} stopped", Name);
    }

    private void OnChanged(ResourceEvent<T> e)
    {
        if (e.Type != WatchEventType.Bookmark)
        {
            Queue.Add(ResourceKeys.Of(e.Resource));
        }
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        while (true)
        {
            ResourceKey key;
            try
            {
                key = await Queue.TakeAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await ReconcileAsync(key, ct).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(key);
            }

            Processed?.Invoke(key);
        }
    }

    private async Task ReconcileAsync(ResourceKey key, CancellationToken ct)
    {
        var resource = informer.Get(key);
        var began = time.GetTimestamp();
        try
        {
            var result = await reconciler.ReconcileAsync(key, resource, ct).ConfigureAwait(false);
            metrics.ObserveReconcile(Name, time.GetElapsedTime(began));
            Queue.Forget(key);
            if (result.RequeueAfter is { } after)
            {
                Queue.AddAfter(key, after);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping (shutdown or lost leadership): whoever runs next starts from a fresh list anyway.
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            metrics.ObserveReconcile(Name, time.GetElapsedTime(began));
            metrics.CountReconcileConflict(Name);
            Queue.AddRateLimited(key);
            logger.LogDebug("reconcile {Controller} {Key}: conflict ({Message}); retrying with the newer object", Name, key, e.Message);
        }
        catch (Exception e)
        {
            metrics.ObserveReconcile(Name, time.GetElapsedTime(began));
            metrics.CountReconcileError(Name);
            Queue.AddRateLimited(key);
            logger.LogError(e, "reconcile {Controller} {Key} failed (failure {Failures} in a row); retrying with backoff", Name, key, Queue.NumRequeues(key));
        }
    }
}
