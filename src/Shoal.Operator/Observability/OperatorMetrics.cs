using Prometheus;
using Shoal.Api.V1Alpha1;
using Shoal.Core.Ports;

namespace Shoal.Operator.Observability;

// Every Prometheus metric the operator exports, on an injected registry (the host passes Metrics.DefaultRegistry,
// tests a fresh one). Callers use the typed methods; the label sets are fixed here so that dashboards and alerts
// can rely on them.
public sealed class OperatorMetrics
{
    public static readonly IReadOnlyList<string> JobStates = ["queued", "running", "succeeded", "failed", "dead_lettered"];

    // Reconciles are mostly API calls and cache reads: milliseconds, with AWS calls reaching seconds.
    private static readonly double[] ReconcileBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly CollectorRegistry registry;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Func<int>> queueDepths = [];

    public OperatorMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        this.registry = registry;
        var factory = Metrics.WithCustomRegistry(registry);

        ReconcileDuration = factory.CreateHistogram(
            "shoal_reconcile_duration_seconds",
            "Time one reconcile took, successful or not, by controller (jobqueue, workerpool, worker).",
            new HistogramConfiguration { LabelNames = ["controller"], Buckets = ReconcileBuckets });
        ReconcileErrors = factory.CreateCounter(
            "shoal_reconcile_errors_total",
            "Reconciles that ended in an exception and were retried with backoff. kind=conflict: the object changed under a conditional write (409), retried quietly; kind=error: anything else, logged.",
            new CounterConfiguration { LabelNames = ["controller", "kind"] });
        WorkQueueDepth = factory.CreateGauge(
            "shoal_workqueue_depth",
            "Keys waiting in a controller's work queue, ready to reconcile (not counting delayed retries or keys in progress).",
            new GaugeConfiguration { LabelNames = ["controller"] });
        Leader = factory.CreateGauge(
            "shoal_leader",
            "1 while this operator replica holds the leader Lease and runs the controllers, else 0.");

        Jobs = factory.CreateGauge(
            "shoal_jobs",
            "Jobs in the job table of a JobQueue by state (queued, running, succeeded, failed, dead_lettered).",
            new GaugeConfiguration { LabelNames = ["namespace", "queue", "state"] });
        QueueDepth = factory.CreateGauge(
            "shoal_queue_depth",
            "Messages in a JobQueue's SQS queue by kind: visible (waiting for a worker), in_flight (received, not yet deleted), delayed.",
            new GaugeConfiguration { LabelNames = ["namespace", "queue", "kind"] });
        Workers = factory.CreateGauge(
            "shoal_workers",
            "Workers of a WorkerPool by phase (Launching, WaitingForAgent, Idle, Running, Draining, Terminating, Terminated).",
            new GaugeConfiguration { LabelNames = ["namespace", "pool", "phase"] });
        WorkersCapacity = factory.CreateGauge(
            "shoal_workers_capacity",
            "Live workers of a WorkerPool by the capacity EC2 gave them (spot, on-demand).",
            new GaugeConfiguration { LabelNames = ["namespace", "pool", "capacity"] });
        AwsRequests = factory.CreateCounter(
            "shoal_aws_requests_total",
            "AWS API requests made, by service (ec2, sqs, dynamodb, ssm, s3) and operation.",
            new CounterConfiguration { LabelNames = ["service", "operation"] });
        AwsThrottles = factory.CreateCounter(
            "shoal_aws_throttles_total",
            "AWS API requests refused for throttling (and retried), by service and operation.",
            new CounterConfiguration { LabelNames = ["service", "operation"] });
        JobsFinished = factory.CreateCounter(
            "shoal_jobs_finished_total",
            "Jobs that reached a terminal record, by outcome (succeeded, failed, dead_lettered).",
            new CounterConfiguration { LabelNames = ["namespace", "queue", "outcome"] });
        WorkersLaunched = factory.CreateCounter(
            "shoal_workers_launched_total",
            "EC2 instances launched for a WorkerPool, by capacity (spot, on-demand).",
            new CounterConfiguration { LabelNames = ["namespace", "pool", "capacity"] });
        WorkersTerminated = factory.CreateCounter(
            "shoal_workers_terminated_total",
            "Workers terminated, by reason (QueueDrained, IdleTimeout, SpotInterruption, MaxLifetime, PoolDeleted...).",
            new CounterConfiguration { LabelNames = ["namespace", "pool", "reason"] });

        // Sampled at scrape time: a queue's depth changes on timers, not only when the controller touches it.
        registry.AddBeforeCollectCallback(SampleQueueDepths);
    }

    internal Histogram ReconcileDuration { get; }

    internal Counter ReconcileErrors { get; }

    internal Gauge WorkQueueDepth { get; }

    internal Gauge Leader { get; }

    internal Gauge Jobs { get; }

    internal Gauge QueueDepth { get; }

    internal Gauge Workers { get; }

    internal Gauge WorkersCapacity { get; }

    internal Counter AwsRequests { get; }

    internal Counter AwsThrottles { get; }

    internal Counter JobsFinished { get; }

    internal Counter WorkersLaunched { get; }

    internal Counter WorkersTerminated { get; }

    public Task ExportAsTextAsync(Stream destination, CancellationToken ct) => registry.CollectAndExportAsTextAsync(destination, ct);

    // --- runtime ---

    public void ObserveReconcile(string controller, TimeSpan duration) =>
        ReconcileDuration.WithLabels(Label(controller, nameof(controller))).Observe(Math.Max(0, duration.TotalSeconds));

    public void CountReconcileError(string controller) =>
        ReconcileErrors.WithLabels(Label(controller, nameof(controller)), "error").Inc();

    public void CountReconcileConflict(string controller) =>
        ReconcileErrors.WithLabels(Label(controller, nameof(controller)), "conflict").Inc();

    public void SetWorkQueueDepth(string controller, int depth) =>
        WorkQueueDepth.WithLabels(Label(controller, nameof(controller))).Set(depth);

    // The gauge reads depth() at every scrape; one source per controller (a later one replaces it).
    public void TrackWorkQueueDepth(string controller, Func<int> depth)
    {
        ArgumentNullException.ThrowIfNull(depth);
        lock (gate)
        {
            queueDepths[Label(controller, nameof(controller))] = depth;
        }
    }

    public void SetLeader(bool leading) => Leader.Set(leading ? 1 : 0);

    // --- engine ---

    public void SetJobs(string @namespace, string queue, string state, long count)
    {
        if (!JobStates.Contains(state))
        {
            throw new ArgumentException($"unknown job state '{state}' for shoal_jobs; use one of: {string.Join(", ", JobStates)}", nameof(state));
        }

        Jobs.WithLabels(Label(@namespace, nameof(@namespace)), Label(queue, nameof(queue)), state).Set(count);
    }

    // All five states at once from the ledger's counters; dead-lettered comes from the dead-letter queue.
    public void SetJobs(string @namespace, string queue, JobCounts counts, long deadLettered)
    {
        ArgumentNullException.ThrowIfNull(counts);
        SetJobs(@namespace, queue, "queued", counts.Queued);
        SetJobs(@namespace, queue, "running", counts.Running);
        SetJobs(@namespace, queue, "succeeded", counts.Succeeded);
        SetJobs(@namespace, queue, "failed", counts.Failed);
        SetJobs(@namespace, queue, "dead_lettered", deadLettered);
    }

    public void SetQueueDepth(string @namespace, string queue, QueueDepth depth)
    {
        ArgumentNullException.ThrowIfNull(depth);
        var ns = Label(@namespace, nameof(@namespace));
        var q = Label(queue, nameof(queue));
        QueueDepth.WithLabels(ns, q, "visible").Set(depth.Visible);
        QueueDepth.WithLabels(ns, q, "in_flight").Set(depth.InFlight);
        QueueDepth.WithLabels(ns, q, "delayed").Set(depth.Delayed);
    }

    public void SetWorkers(string @namespace, string pool, string phase, long count) =>
        Workers.WithLabels(Label(@namespace, nameof(@namespace)), Label(pool, nameof(pool)), Label(phase, nameof(phase))).Set(count);

    // Every known phase is written, 0 when absent, so a phase that empties drops to 0 instead of going stale.
    public void SetWorkers(string @namespace, string pool, IReadOnlyDictionary<string, int> countsByPhase)
    {
        ArgumentNullException.ThrowIfNull(countsByPhase);
        foreach (var phase in WorkerPhases.All.Union(countsByPhase.Keys))
        {
            SetWorkers(@namespace, pool, phase, countsByPhase.GetValueOrDefault(phase));
        }
    }

    public void SetWorkerCapacity(string @namespace, string pool, long spot, long onDemand)
    {
        var ns = Label(@namespace, nameof(@namespace));
        var p = Label(pool, nameof(pool));
        WorkersCapacity.WithLabels(ns, p, CapacityTypes.Spot).Set(spot);
        WorkersCapacity.WithLabels(ns, p, CapacityTypes.OnDemand).Set(onDemand);
    }

    public void CountAwsRequest(string service, string operation) =>
        AwsRequests.WithLabels(Label(service, nameof(service)), Label(operation, nameof(operation))).Inc();

    public void CountAwsThrottle(string service, string operation) =>
        AwsThrottles.WithLabels(Label(service, nameof(service)), Label(operation, nameof(operation))).Inc();

    /// <summary>
    /// Raises the AWS request counters to the totals Shoal.Aws counted at its HTTP handler, keyed
    /// "Service.Operation"; counters only ever go up, so a lower total (a reset counter) is ignored.
    /// </summary>
    public void SetAwsTotals(IReadOnlyDictionary<string, long> calls, IReadOnlyDictionary<string, long> throttled)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(throttled);
        foreach (var (key, total) in calls)
        {
            var (service, operation) = SplitOperation(key);
            AwsRequests.WithLabels(service, operation).IncTo(total);
        }

        foreach (var (key, total) in throttled)
        {
            var (service, operation) = SplitOperation(key);
            AwsThrottles.WithLabels(service, operation).IncTo(total);
        }
    }

    public void CountJobFinished(string @namespace, string queue, string outcome) =>
        JobsFinished.WithLabels(Label(@namespace, nameof(@namespace)), Label(queue, nameof(queue)), Label(outcome, nameof(outcome))).Inc();

    public void CountWorkerLaunched(string @namespace, string pool, string capacity, int count = 1) =>
        WorkersLaunched.WithLabels(Label(@namespace, nameof(@namespace)), Label(pool, nameof(pool)), Label(capacity, nameof(capacity))).Inc(count);

    public void CountWorkerTerminated(string @namespace, string pool, string reason) =>
        WorkersTerminated.WithLabels(Label(@namespace, nameof(@namespace)), Label(pool, nameof(pool)), Label(reason, nameof(reason))).Inc();

    // A deleted JobQueue's gauges would otherwise be exported with their last values forever.
    public void RemoveQueue(string @namespace, string queue)
    {
        RemoveSeries(Jobs, @namespace, queue);
        RemoveSeries(QueueDepth, @namespace, queue);
    }

    public void RemovePool(string @namespace, string pool)
    {
        RemoveSeries(Workers, @namespace, pool);
        RemoveSeries(WorkersCapacity, @namespace, pool);
    }

    private static void RemoveSeries(Gauge gauge, string @namespace, string name)
    {
        foreach (var labels in gauge.GetAllLabelValues().Where(l => l[0] == @namespace && l[1] == name).ToList())
        {
            gauge.RemoveLabelled(labels);
        }
    }

    private void SampleQueueDepths()
    {
        KeyValuePair<string, Func<int>>[] sources;
        lock (gate)
        {
            sources = [.. queueDepths];
        }

        foreach (var (controller, depth) in sources)
        {
            WorkQueueDepth.WithLabels(controller).Set(depth());
        }
    }

    private static string Label(string value, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        return value;
    }

    private static (string Service, string Operation) SplitOperation(string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot <= 0 ? ("unknown", key) : (key[..dot], key[(dot + 1)..]);
    }
}
