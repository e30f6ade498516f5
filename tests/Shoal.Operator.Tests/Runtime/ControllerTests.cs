using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Observability;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Tests.Runtime;

public sealed class ControllerTests : IAsyncLifetime
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly ResourceKey W1 = new(Workers.Namespace, "w1");
    private static readonly ResourceKey W2 = new(Workers.Namespace, "w2");
    private static readonly ResourceKey W3 = new(Workers.Namespace, "w3");
    private static readonly ResourceKey Probe = new(Workers.Namespace, "probe");

    private readonly FakeResourceClient client = new();
    private readonly TimerWatchingTimeProvider time = new();
    private readonly CancellationTokenSource stop = new();
    private readonly CollectorRegistry registry = Metrics.NewCustomRegistry();
    private readonly FakeReconciler reconciler = new();
    private readonly Channel<ResourceKey> processed = Channel.CreateUnbounded<ResourceKey>();
    private readonly Informer<Worker> informer;
    private readonly OperatorMetrics metrics;
    private Controller<Worker>? controller;
    private Task? informerRun;
    private Task? controllerRun;

    public ControllerTests()
    {
        informer = new Informer<Worker>(client, Workers.Namespace, time, NullLogger.Instance);
        metrics = new OperatorMetrics(registry);
    }

    private Controller<Worker> Controller => controller ?? throw new InvalidOperationException("Start first");

    [Fact]
    public async Task Reconciles_every_listed_resource_with_its_cached_object()
    {
        client.Items.AddRange([Workers.New("w1", "5"), Workers.New("w2", "6")]);

        Start(workers: 2);
        await Processed(2);

        Assert.Equal(["w1", "w2"], reconciler.Calls.Select(c => c.Key.Name).Order());
        Assert.All(reconciler.Calls, c => Assert.Equal(c.Key.Name, c.Resource?.Metadata.Name));
        Assert.Equal(2, metrics.ReconcileDuration.WithLabels("worker").Count);
    }

    [Fact]
    public async Task An_exception_requeues_the_key_with_per_key_backoff_and_counts_an_error()
    {
        client.Items.Add(Workers.New("w1", "5"));
        var calls = 0;
        reconciler.Behaviour = (key, _, _) => key == W1 && Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("AWS said no")
            : Task.FromResult(ReconcileResult.Done);

        Start(workers: 1);
        await ProcessedKey(W1);

        Assert.Equal(1, metrics.ReconcileErrors.WithLabels("worker", "error").Value);
        Assert.Equal(0, metrics.ReconcileErrors.WithLabels("worker", "conflict").Value);
        Assert.Equal(1, Controller.Queue.NumRequeues(W1));

        await AssertRequeuedAfter(W1, TimeSpan.FromMilliseconds(5));
        Assert.Equal(0, Controller.Queue.NumRequeues(W1));
        Assert.Equal(1, metrics.ReconcileErrors.WithLabels("worker", "error").Value);

        // Timed whatever the outcome: w1 twice and the probe once.
        Assert.Equal(3, metrics.ReconcileDuration.WithLabels("worker").Count);
    }

    [Fact]
    public async Task Consecutive_failures_double_the_delay()
    {
        client.Items.Add(Workers.New("w1", "5"));
        reconciler.Behaviour = (key, _, _) => key == W1
            ? throw new InvalidOperationException("still broken")
            : Task.FromResult(ReconcileResult.Done);

        Start(workers: 1);
        await ProcessedKey(W1);

        await AssertRequeuedAfter(W1, TimeSpan.FromMilliseconds(5));
        await AssertRequeuedAfter(W1, TimeSpan.FromMilliseconds(10));
        await AssertRequeuedAfter(W1, TimeSpan.FromMilliseconds(20));
        Assert.Equal(4, metrics.ReconcileErrors.WithLabels("worker", "error").Value);
    }

    [Fact]
    public async Task A_conflict_is_requeued_with_backoff_and_counted_as_a_conflict_not_an_error()
    {
        client.Items.Add(Workers.New("w1", "5"));
        var calls = 0;
        reconciler.Behaviour = (key, _, _) => key == W1 && Interlocked.Increment(ref calls) == 1
            ? throw new KubeApiException(409, "Conflict", "the object has been modified")
            : Task.FromResult(ReconcileResult.Done);

        Start(workers: 1);
        await ProcessedKey(W1);

        Assert.Equal(1, metrics.ReconcileErrors.WithLabels("worker", "conflict").Value);
        Assert.Equal(0, metrics.ReconcileErrors.WithLabels("worker", "error").Value);
        await AssertRequeuedAfter(W1, TimeSpan.FromMilliseconds(5));
    }

    [Fact]
    public async Task Another_api_error_counts_as_an_error()
    {
        client.Items.Add(Workers.New("w1", "5"));
        reconciler.Behaviour = (_, _, _) => throw new KubeApiException(422, "Invalid", "spec.maxWorkers: must be >= 0");

        Start(workers: 1);
        await ProcessedKey(W1);

        Assert.Equal(1, metrics.ReconcileErrors.WithLabels("worker", "error").Value);
        Assert.Equal(0, metrics.ReconcileErrors.WithLabels("worker", "conflict").Value);
    }

    [Fact]
    public async Task After_requeues_the_key_when_its_delay_has_passed_and_forgets_earlier_failures()
    {
        client.Items.Add(Workers.New("w1", "5"));
        var calls = 0;
        reconciler.Behaviour = (key, _, _) => key != W1
            ? Task.FromResult(ReconcileResult.Done)
            : Interlocked.Increment(ref calls) == 1
                ? throw new InvalidOperationException("first try fails")
                : Task.FromResult(ReconcileResult.After(TimeSpan.FromSeconds(30)));

        Start(workers: 1);
        await ProcessedKey(W1);
        await AssertRequeuedAfter(W1, TimeSpan.FromMilliseconds(5));

        Assert.Equal(0, Controller.Queue.NumRequeues(W1));
        await AssertRequeuedAfter(W1, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Done_does_not_requeue()
    {
        client.Items.Add(Workers.New("w1", "5"));

        Start(workers: 1);
        await ProcessedKey(W1);
        time.Advance(TimeSpan.FromHours(1));
        Controller.Enqueue(Probe);
        await ProcessedKey(Probe);

        Assert.Equal(1, reconciler.CallsFor("w1"));
    }

    [Fact]
    public async Task A_deleted_resource_is_reconciled_with_null()
    {
        client.Items.Add(Workers.New("w1", "5"));
        Start(workers: 1);
        await ProcessedKey(W1);
        var watch = await client.NextWatchAsync();

        watch.Send(WatchEventType.Deleted, Workers.New("w1", "9"));
        await ProcessedKey(W1);

        var last = reconciler.Calls.Last();
        Assert.Equal(W1, last.Key);
        Assert.Null(last.Resource);
    }

    [Fact]
    public async Task Workers_reconcile_other_keys_in_parallel_but_never_one_key_twice_at_once()
    {
        client.Items.AddRange([Workers.New("w1", "5"), Workers.New("w2", "6"), Workers.New("w3", "7")]);
        var gate = new TaskCompletionSource<ReconcileResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var w1Calls = 0;
        reconciler.Behaviour = (key, _, _) => key == W1 && Interlocked.Increment(ref w1Calls) == 1
            ? gate.Task
            : Task.FromResult(ReconcileResult.Done);

        Start(workers: 4);
        await ProcessedKeys(W2, W3);

        // w1 is still in its first reconcile; three idle workers and three more adds must not start another.
        Controller.Enqueue(W1);
        Controller.Enqueue(W1);
        Controller.Enqueue(W1);
        Controller.Enqueue(W2);
        await ProcessedKey(W2);
        Assert.Equal(1, reconciler.CallsFor("w1"));

        gate.SetResult(ReconcileResult.Done);
        await ProcessedKeys(W1, W1);

        Assert.Equal(2, reconciler.CallsFor("w1"));
        Assert.Equal(0, reconciler.Overlaps);
    }

    [Fact]
    public async Task The_work_queue_depth_is_exported_at_scrape_time()
    {
        client.Items.Add(Workers.New("w1", "5"));
        var gate = new TaskCompletionSource<ReconcileResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        reconciler.Behaviour = (key, _, _) => key == W1 ? gate.Task : Task.FromResult(ReconcileResult.Done);
        Start(workers: 1);
        await reconciler.StartedAsync(W1);

        Controller.Enqueue(W2);
        Controller.Enqueue(W3);

        Assert.Contains("shoal_workqueue_depth{controller=\"worker\"} 2", await Export(), StringComparison.Ordinal);
        gate.SetResult(ReconcileResult.Done);
        await ProcessedKeys(W1, W2, W3);
        Assert.Contains("shoal_workqueue_depth{controller=\"worker\"} 0", await Export(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_reconciled_before_the_informer_has_listed()
    {
        client.ListFailures.Enqueue(new HttpRequestException("API server down"));
        client.Items.Add(Workers.New("w1", "5"));
        Start(workers: 2);
        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());

        Controller.Enqueue(W2);

        Assert.Empty(reconciler.Calls);
        time.Advance(TimeSpan.FromSeconds(1));
        await ProcessedKeys(W1, W2);
    }

    [Fact]
    public async Task Cancelling_stops_the_workers_and_cancels_a_running_reconcile()
    {
        client.Items.Add(Workers.New("w1", "5"));
        reconciler.Behaviour = async (_, _, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return ReconcileResult.Done;
        };
        Start(workers: 2);
        await reconciler.StartedAsync(W1);

        await stop.CancelAsync();

        await controllerRun!.Within();
        Assert.True(controllerRun!.IsCompletedSuccessfully);
        Assert.Equal(0, metrics.ReconcileErrors.WithLabels("worker", "error").Value);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Controller<Worker>(informer, reconciler, 0, time, metrics, NullLogger.Instance));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        foreach (var run in new[] { controllerRun, informerRun })
        {
            if (run is not null)
            {
                await run.Within();
            }
        }

        stop.Dispose();
    }

    private void Start(int workers)
    {
        controller = new Controller<Worker>(informer, reconciler, workers, time, metrics, NullLogger.Instance);
        controller.Processed += key => processed.Writer.TryWrite(key);
        informerRun = informer.RunAsync(stop.Token);
        controllerRun = controller.RunAsync(stop.Token);
    }

    // Not ready one tick early (checked with a probe key behind it: one worker serves the queue in order),
    // reconciled once the delay has passed.
    private async Task AssertRequeuedAfter(ResourceKey key, TimeSpan delay)
    {
        var before = reconciler.CallsFor(key.Name);
        time.Advance(delay - Tick);
        Controller.Enqueue(Probe);
        await ProcessedKey(Probe);
        Assert.True(reconciler.CallsFor(key.Name) == before, $"{key} was reconciled again before {delay}");

        time.Advance(Tick);
        await ProcessedKey(key);
        Assert.Equal(before + 1, reconciler.CallsFor(key.Name));
    }

    private async Task Processed(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await processed.Reader.ReadAsync().AsTask().Within();
        }
    }

    private async Task ProcessedKey(ResourceKey key) => await ProcessedKeys(key);

    // Waits until each listed key has been processed (as many times as listed), in any order.
    private async Task ProcessedKeys(params ResourceKey[] keys)
    {
        var missing = keys.ToList();
        while (missing.Count > 0)
        {
            var next = await processed.Reader.ReadAsync().AsTask().Within();
            Assert.True(missing.Remove(next), $"{next} was processed, expected only {string.Join(", ", missing)}");
        }
    }

    private async Task<string> Export()
    {
        using var stream = new MemoryStream();
        await metrics.ExportAsTextAsync(stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
