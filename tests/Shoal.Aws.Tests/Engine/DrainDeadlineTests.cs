using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Commands;
using Shoal.Aws.Errors;
using Shoal.Aws.Ledger;
using Shoal.Aws.Queue;
using Shoal.Aws.Tests.Commands;
using Shoal.Aws.Tests.Moto;
using Shoal.Aws.Tests.Support;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Scaling;
using Shoal.Core.Workers;
using static Shoal.Aws.Tests.Ledger.LedgerTestKit;

namespace Shoal.Aws.Tests.Engine;

/// <summary>
/// A drain with a deadline cancels the SSM command of a job that outlives it. The signal logic on fake
/// time; the whole path (worker loop, SSM runner, SQS and DynamoDB on moto, Run Command from
/// <see cref="FakeSsmApi"/>, since moto implements no CancelCommand) on real time, a few seconds.
/// </summary>
public sealed class DrainDeadlineTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Worker = "i-0123456789abcdef0";

    [Fact]
    public void A_drained_worker_is_interrupted_at_the_deadline_once_and_unknown_workers_get_no_deadline()
    {
        var time = new FakeTimeProvider();
        var signals = new Signals(Worker);
        using var drains = new DeadlineDrains(signals, time, TimeSpan.FromMinutes(5));

        Assert.True(drains.Drain(Worker, "ScaleIn"));
        Assert.False(drains.Drain("i-other", "ScaleIn"));
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.True(drains.Drain(Worker, "ScaleIn")); // a second drain keeps the first deadline
        time.Advance(TimeSpan.FromMinutes(2));
        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(["drain i-0123456789abcdef0 ScaleIn", "drain i-0123456789abcdef0 ScaleIn", "interrupt i-0123456789abcdef0 DrainDeadline"], signals.Log);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeadlineDrains(signals, time, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_job_still_running_at_the_drain_deadline_has_its_command_cancelled_and_is_requeued_without_spending_its_budget()
    {
        await moto.ResetAsync();
        using var clients = moto.NewClients();
        var retry = new AwsRetry(TimeProvider.System, maxAttempts: 3, baseDelay: TimeSpan.FromMilliseconds(10));
        var urls = await new SqsQueueProvisioner(new SqsApi(clients.Sqs), retry).EnsureAsync(new SqsQueueSpec { Name = "drain-jobs", Finished = false }, CancellationToken.None);
        await ProvisionAsync(new DynamoApi(clients.DynamoDb));
        var queue = new SqsJobQueue(new SqsApi(clients.Sqs), urls, retry, TimeProvider.System);
        await queue.SendAsync(Body("long"), TimeSpan.Zero, CancellationToken.None);
        var ssm = new FakeSsmApi { Next = new FakeInvocationScript { Statuses = [SsmInvocationStatus.InProgress] } };
        var ledger = new DynamoJobLedger(clients.DynamoDb, Table, TimeProvider.System);
        var loop = new WorkerLoop(
            Worker,
            new WorkerLoopPorts(queue, ledger, new SsmCommandRunner(ssm, new FakeOutputStore(), new SsmCommandRunnerOptions(), TimeProvider.System, retry), new ReadyFleet()),
            new QueueSettings { Name = urls.Name },
            new PoolSettings { Name = "p", IdleTimeout = TimeSpan.FromSeconds(30) },
            new WorkerLoopOptions { Poll = new PollSchedule(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50)) },
            TimeProvider.System,
            new NeverRetire());
        using var drains = new DeadlineDrains(new LoopSignals(loop), TimeProvider.System, TimeSpan.FromSeconds(1));

        var running = loop.RunAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => loop.Phase == WorkerPhase.Running && ssm.Created.Count > 0, "the job to start");

        Assert.True(drains.Drain(Worker, "ScheduledChange"));
        var exit = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("ScheduledChange", exit.Reason);
        Assert.Equal([(ssm.Created.Single().CommandId, Worker)], ssm.Cancels);
        var job = await ledger.GetAsync("long", CancellationToken.None);
        Assert.Equal(JobStatus.Queued, job!.Status);
        Assert.Equal((1, 0, 1), (job.Attempts, job.Failures, job.Interruptions));
        Assert.Equal(JobReasons.Interrupted, job.Reason);
        Assert.Contains(DeadlineDrains.Reason, job.Message, StringComparison.Ordinal);
    }

    private sealed class Signals(params string[] known) : IWorkerSignals
    {
        public List<string> Log { get; } = [];

        public bool Interrupt(string workerId, string reason) => Record("interrupt", workerId, reason);

        public bool Drain(string workerId, string reason) => Record("drain", workerId, reason);

        private bool Record(string kind, string worker, string reason)
        {
            if (!known.Contains(worker))
            {
                return false;
            }

            lock (Log)
            {
                Log.Add($"{kind} {worker} {reason}");
            }

            return true;
        }
    }

    private sealed class LoopSignals(WorkerLoop loop) : IWorkerSignals
    {
        public bool Interrupt(string workerId, string reason)
        {
            loop.Interrupt(reason);
            return true;
        }

        public bool Drain(string workerId, string reason)
        {
            loop.RequestDrain(reason);
            return true;
        }
    }

    private sealed class ReadyFleet : IWorkerFleet
    {
        public Task<IReadOnlyList<WorkerInfo>> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<WorkerInfo?> DescribeAsync(string workerId, CancellationToken cancellationToken) =>
            Task.FromResult<WorkerInfo?>(new WorkerInfo { WorkerId = workerId, State = WorkerState.Running, Ready = true });

        public Task TerminateAsync(string workerId, string reason, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NeverRetire : IRetirementGate
    {
        public bool TryRetire(string workerId) => false;
    }
}
