using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Shoal.Api.V1Alpha1;
using Shoal.Core.Ports;
using Shoal.Operator.Engine;
using Shoal.Operator.Observability;
using Shoal.Operator.Runtime;
using Shoal.Operator.Tests.Runtime;

namespace Shoal.Operator.Tests.Engine;

public sealed class WorkerFleetBridgeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(T0);
    private readonly FakeResourceClient workers = new();
    private readonly ScriptedFleet fleet = new();

    private static WorkerPool Pool() => new()
    {
        Metadata = new ObjectMeta { Name = "render", Namespace = "vfx", Uid = "uid-pool" },
        Spec = new WorkerPoolSpec { JobQueueRef = new JobQueueReference { Name = "frames" } },
    };

    private WorkerFleetBridge Bridge() => new(fleet, workers, Pool(), time, NullLogger.Instance);

    [Fact]
    public async Task Launching_creates_one_Worker_per_instance_with_its_finalizer_owner_and_labels()
    {
        fleet.Next = [Info("i-0abc", "m5.large", "spot"), Info("i-0def", "c5.large", "on-demand")];

        var metrics = new OperatorMetrics(Prometheus.Metrics.NewCustomRegistry());
        var launched = await new WorkerFleetBridge(fleet, workers, Pool(), time, NullLogger.Instance, metrics).LaunchAsync(new LaunchRequest("render", "frames-job-queue", 3, "render-1"), CancellationToken.None);

        Assert.Equal(2, launched.Count);
        Assert.Equal(["render-i-0abc", "render-i-0def"], workers.Created.Select(w => w.Metadata.Name));
        var worker = workers.Created[0];
        Assert.Equal("vfx", worker.Metadata.Namespace);
        Assert.Equal(["shoal.dev/instance"], worker.Metadata.Finalizers);
        Assert.Equal("render", worker.Metadata.Labels!["shoal.dev/pool"]);
        Assert.Equal("frames", worker.Metadata.Labels!["shoal.dev/queue"]);
        var owner = Assert.Single(worker.Metadata.OwnerReferences!);
        Assert.Equal(("WorkerPool", "render", "uid-pool", true), (owner.Kind, owner.Name, owner.Uid, owner.Controller == true));
        Assert.Equal(("render", "i-0abc", false), (worker.Spec.PoolName, worker.Spec.InstanceId, worker.Spec.Adopted));

        var status = JsonDocument.Parse(workers.Patches.First(p => p.Name == "render-i-0def").Json).RootElement.GetProperty("status");
        Assert.Equal("patch-status", workers.Patches[1].Verb);
        Assert.Equal("Launching", status.GetProperty("phase").GetString());
        Assert.Equal("c5.large", status.GetProperty("instanceType").GetString());
        Assert.Equal("on-demand", status.GetProperty("capacityType").GetString());

        using var exported = new MemoryStream();
        await metrics.ExportAsTextAsync(exported, CancellationToken.None);
        var text = System.Text.Encoding.UTF8.GetString(exported.ToArray());
        Assert.Contains("shoal_workers_launched_total{namespace=\"vfx\",pool=\"render\",capacity=\"spot\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("shoal_workers_launched_total{namespace=\"vfx\",pool=\"render\",capacity=\"on-demand\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminating_deletes_the_Worker_and_never_the_instance_itself()
    {
        await Bridge().TerminateAsync("i-0abc", "Idle", CancellationToken.None);

        Assert.Equal([("vfx", "render-i-0abc")], workers.Deleted);
        Assert.Empty(fleet.Terminated);
        var status = JsonDocument.Parse(Assert.Single(workers.Patches).Json).RootElement.GetProperty("status");
        Assert.Equal("Terminating", status.GetProperty("phase").GetString());
        Assert.Equal("Idle", status.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("currentJob").ValueKind);
    }

    [Fact]
    public async Task A_Worker_that_already_exists_is_fine_and_a_failing_create_is_retried()
    {
        workers.Items.Add(new Worker { Metadata = new ObjectMeta { Name = "render-i-0abc", Namespace = "vfx" } });
        await Bridge().RegisterAsync(Info("i-0abc", "m5.large", "spot"), adopted: true, CancellationToken.None);
        Assert.Empty(workers.Created);

        workers.CreateFailures.Enqueue(new HttpRequestException("connection refused"));
        var register = Bridge().RegisterAsync(Info("i-0def", "m5.large", "spot"), adopted: true, CancellationToken.None);
        Assert.False(register.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await register.WaitAsync(TimeSpan.FromSeconds(10));

        var created = Assert.Single(workers.Created);
        Assert.True(created.Spec.Adopted);
    }

    private WorkerInfo Info(string id, string type, string capacity) => new()
    {
        WorkerId = id,
        State = WorkerState.Pending,
        InstanceType = type,
        Zone = "us-east-1a",
        CapacityType = capacity,
        LaunchedAt = T0,
    };

    private sealed class ScriptedFleet : IWorkerFleet
    {
        public IReadOnlyList<WorkerInfo> Next { get; set; } = [];

        public List<string> Terminated { get; } = [];

        public Task<IReadOnlyList<WorkerInfo>> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken) => Task.FromResult(Next);

        public Task<WorkerInfo?> DescribeAsync(string workerId, CancellationToken cancellationToken) => Task.FromResult<WorkerInfo?>(null);

        public Task TerminateAsync(string workerId, string reason, CancellationToken cancellationToken)
        {
            Terminated.Add(workerId);
            return Task.CompletedTask;
        }
    }
}
