using System.Text;
using Prometheus;
using Shoal.Core.Ports;
using Shoal.Operator.Observability;

namespace Shoal.Operator.Tests.Observability;

public sealed class OperatorMetricsTests
{
    private readonly OperatorMetrics metrics = new(Metrics.NewCustomRegistry());

    [Fact]
    public async Task Every_metric_is_exported_with_its_type_and_help()
    {
        metrics.ObserveReconcile("worker", TimeSpan.FromMilliseconds(30));
        metrics.CountReconcileError("worker");
        metrics.SetWorkQueueDepth("worker", 3);
        metrics.SetLeader(true);
        metrics.SetJobs("team-a", "batch", "queued", 1);
        metrics.SetQueueDepth("team-a", "batch", new QueueDepth(1, 2, 3));
        metrics.SetWorkers("team-a", "pool", "Idle", 2);
        metrics.SetWorkerCapacity("team-a", "pool", 3, 1);
        metrics.CountAwsRequest("ec2", "CreateFleet");
        metrics.CountAwsThrottle("ec2", "CreateFleet");
        metrics.CountJobFinished("team-a", "batch", "succeeded");
        metrics.CountWorkerLaunched("team-a", "pool", "spot");
        metrics.CountWorkerTerminated("team-a", "pool", "IdleTimeout");

        var text = await Export();

        foreach (var (name, type) in new[]
        {
            ("shoal_reconcile_duration_seconds", "histogram"), ("shoal_reconcile_errors_total", "counter"),
            ("shoal_workqueue_depth", "gauge"), ("shoal_leader", "gauge"), ("shoal_jobs", "gauge"),
            ("shoal_queue_depth", "gauge"), ("shoal_workers", "gauge"), ("shoal_workers_capacity", "gauge"),
            ("shoal_aws_requests_total", "counter"), ("shoal_aws_throttles_total", "counter"),
            ("shoal_jobs_finished_total", "counter"), ("shoal_workers_launched_total", "counter"),
            ("shoal_workers_terminated_total", "counter"),
        })
        {
            Assert.Contains($"# TYPE {name} {type}\n", text, StringComparison.Ordinal);
            Assert.Contains($"# HELP {name} ", text, StringComparison.Ordinal);
        }

        Assert.Contains("shoal_reconcile_duration_seconds_bucket{controller=\"worker\",le=\"0.05\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("shoal_reconcile_duration_seconds_bucket{controller=\"worker\",le=\"0.025\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("shoal_reconcile_errors_total{controller=\"worker\",kind=\"error\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("shoal_leader 1", text, StringComparison.Ordinal);
        Assert.Contains("shoal_workers_terminated_total{namespace=\"team-a\",pool=\"pool\",reason=\"IdleTimeout\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Job_counts_set_all_five_states()
    {
        metrics.SetJobs("team-a", "batch", new JobCounts { Queued = 4, Running = 3, Succeeded = 20, Failed = 2, Invalid = 1 }, deadLettered: 1);

        Assert.Equal(
            [4, 3, 20, 2, 1],
            OperatorMetrics.JobStates.Select(s => metrics.Jobs.WithLabels("team-a", "batch", s).Value));
    }

    [Fact]
    public void An_unknown_job_state_is_refused_with_the_allowed_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => metrics.SetJobs("team-a", "batch", "pending", 1));

        Assert.Contains("queued, running, succeeded, failed, dead_lettered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Queue_depth_sets_visible_in_flight_and_delayed()
    {
        metrics.SetQueueDepth("team-a", "batch", new QueueDepth(Visible: 7, InFlight: 5, Delayed: 2, DeadLettered: 9));

        Assert.Equal(7, metrics.QueueDepth.WithLabels("team-a", "batch", "visible").Value);
        Assert.Equal(5, metrics.QueueDepth.WithLabels("team-a", "batch", "in_flight").Value);
        Assert.Equal(2, metrics.QueueDepth.WithLabels("team-a", "batch", "delayed").Value);
    }

    [Fact]
    public void Workers_by_phase_zero_the_phases_that_emptied()
    {
        metrics.SetWorkers("team-a", "pool", new Dictionary<string, int> { ["Running"] = 5, ["Idle"] = 1 });
        metrics.SetWorkers("team-a", "pool", new Dictionary<string, int> { ["Running"] = 2 });

        Assert.Equal(2, metrics.Workers.WithLabels("team-a", "pool", "Running").Value);
        Assert.Equal(0, metrics.Workers.WithLabels("team-a", "pool", "Idle").Value);
        Assert.Equal(7, metrics.Workers.GetAllLabelValues().Count());
    }

    [Fact]
    public void Capacity_sets_spot_and_on_demand()
    {
        metrics.SetWorkerCapacity("team-a", "pool", spot: 8, onDemand: 2);

        Assert.Equal(8, metrics.WorkersCapacity.WithLabels("team-a", "pool", "spot").Value);
        Assert.Equal(2, metrics.WorkersCapacity.WithLabels("team-a", "pool", "on-demand").Value);
    }

    [Fact]
    public void Counters_add_up()
    {
        metrics.CountAwsRequest("sqs", "ReceiveMessage");
        metrics.CountAwsRequest("sqs", "ReceiveMessage");
        metrics.CountAwsThrottle("sqs", "ReceiveMessage");
        metrics.CountWorkerLaunched("team-a", "pool", "spot", 3);
        metrics.CountWorkerLaunched("team-a", "pool", "spot");
        metrics.CountReconcileConflict("worker");

        Assert.Equal(2, metrics.AwsRequests.WithLabels("sqs", "ReceiveMessage").Value);
        Assert.Equal(1, metrics.AwsThrottles.WithLabels("sqs", "ReceiveMessage").Value);
        Assert.Equal(4, metrics.WorkersLaunched.WithLabels("team-a", "pool", "spot").Value);
        Assert.Equal(1, metrics.ReconcileErrors.WithLabels("worker", "conflict").Value);
    }

    [Fact]
    public async Task A_tracked_queue_depth_is_read_at_each_scrape()
    {
        var depth = 4;
        metrics.TrackWorkQueueDepth("jobqueue", () => depth);

        Assert.Contains("shoal_workqueue_depth{controller=\"jobqueue\"} 4", await Export(), StringComparison.Ordinal);
        depth = 1;
        Assert.Contains("shoal_workqueue_depth{controller=\"jobqueue\"} 1", await Export(), StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_a_queue_or_pool_drops_only_its_series()
    {
        metrics.SetJobs("team-a", "batch", JobCounts.Zero, 0);
        metrics.SetJobs("team-a", "other", JobCounts.Zero, 0);
        metrics.SetQueueDepth("team-a", "batch", new QueueDepth(1, 0, 0));
        metrics.SetWorkers("team-a", "pool", "Idle", 1);
        metrics.SetWorkerCapacity("team-b", "pool", 1, 0);

        metrics.RemoveQueue("team-a", "batch");
        metrics.RemovePool("team-a", "pool");

        Assert.All(metrics.Jobs.GetAllLabelValues(), l => Assert.Equal("other", l[1]));
        Assert.Equal(5, metrics.Jobs.GetAllLabelValues().Count());
        Assert.Empty(metrics.QueueDepth.GetAllLabelValues());
        Assert.Empty(metrics.Workers.GetAllLabelValues());
        Assert.Equal(2, metrics.WorkersCapacity.GetAllLabelValues().Count());
    }

    [Fact]
    public void Empty_label_values_are_refused()
    {
        Assert.Throws<ArgumentException>(() => metrics.CountAwsRequest("", "CreateFleet"));
    }

    private async Task<string> Export()
    {
        using var stream = new MemoryStream();
        await metrics.ExportAsTextAsync(stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
