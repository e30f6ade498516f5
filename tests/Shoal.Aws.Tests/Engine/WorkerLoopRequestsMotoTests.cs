using Shoal.Aws.Commands;
using Shoal.Aws.Errors;
using Shoal.Aws.Ledger;
using Shoal.Aws.Queue;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Commands;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Scaling;
using Shoal.Core.Workers;
using static Shoal.Aws.Tests.Ledger.LedgerTestKit;

namespace Shoal.Aws.Tests.Engine;

/// <summary>
/// The engine's own loop on the AWS adapters, SQS and DynamoDB on moto (counted on the wire), Run Command
/// from <see cref="FakeSsmApi"/> (moto runs nothing): which requests one job costs with a claim that does
/// not read first and a command id that rides on a later write. Real time, a few seconds.
/// </summary>
public sealed class WorkerLoopRequestsMotoTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Worker = "i-0123456789abcdef0";

    [Fact]
    public async Task A_registered_job_costs_two_ledger_writes_and_no_read_and_its_record_keeps_the_command_and_creation_time()
    {
        await moto.ResetAsync();
        using var setup = moto.NewClients();
        using var workers = moto.NewClients();
        var retry = new AwsRetry(TimeProvider.System, maxAttempts: 3, baseDelay: TimeSpan.FromMilliseconds(10));
        var urls = await new SqsQueueProvisioner(new SqsApi(setup.Sqs), retry).EnsureAsync(new SqsQueueSpec { Name = "loop-jobs", Finished = false }, CancellationToken.None);
        await ProvisionAsync(new DynamoApi(setup.DynamoDb));
        var submitQueue = new SqsJobQueue(new SqsApi(setup.Sqs), urls, retry, TimeProvider.System);
        var submitLedger = new DynamoJobLedger(setup.DynamoDb, Table, TimeProvider.System);

        // One job as `shoal submit` sends it (send, then register); one as `aws sqs send-message` does (no record).
        var registeredAt = DateTimeOffset.UtcNow;
        await submitQueue.SendAsync(Body("registered"), TimeSpan.Zero, CancellationToken.None);
        await submitLedger.TryWriteAsync(null, JobTransitions.Registered(urls.Name, Spec("registered"), Body("registered"), registeredAt), CancellationToken.None);
        var stored = await submitLedger.GetAsync("registered", CancellationToken.None);

        var ssm = new FakeSsmApi { Next = new FakeInvocationScript { Stdout = "Hello World\n" } };
        var ledger = new DynamoJobLedger(workers.DynamoDb, Table, TimeProvider.System);
        var runner = new SsmCommandRunner(ssm, new FakeOutputStore(), new SsmCommandRunnerOptions(), TimeProvider.System, retry);
        var fleet = new ReadyFleet();
        var loop = new WorkerLoop(
            Worker,
            new WorkerLoopPorts(new SqsJobQueue(new SqsApi(workers.Sqs), urls, retry, TimeProvider.System), ledger, runner, fleet),
            new QueueSettings { Name = urls.Name, LeaseDuration = TimeSpan.FromMinutes(5) },
            new PoolSettings { Name = "p", MaxJobsPerWorker = 1, IdleTimeout = TimeSpan.FromSeconds(30) },
            new WorkerLoopOptions { Poll = new PollSchedule(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50)), WriteCommandIdAtStart = false },
            TimeProvider.System,
            new AlwaysRetire());

        var exit = await loop.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("MaxJobsReached", exit.Reason);
        Assert.Equal(0, workers.Counter.Calls.GetValueOrDefault("DynamoDB.GetItem"));
        Assert.Equal(2, workers.Counter.Calls["DynamoDB.TransactWriteItems"]); // claim, outcome
        var done = await submitLedger.GetAsync("registered", CancellationToken.None);
        Assert.Equal(JobStatus.Succeeded, done!.Status);
        Assert.Equal(stored!.CreatedAt, done.CreatedAt);
        Assert.Equal(ssm.Created.Single().CommandId, done.CommandId);
    }

    [Theory]
    [InlineData(false, 3)] // `aws sqs send-message`: no record, and none assumed: claim, command id, outcome
    [InlineData(true, 4)]  // marked as registered, but the register write has not happened (yet): one lost claim
    public async Task A_job_without_a_record_is_claimed_from_nothing_and_a_wrong_assumption_costs_a_write_not_a_read(bool marked, int writes)
    {
        await moto.ResetAsync();
        using var setup = moto.NewClients();
        using var workers = moto.NewClients();
        var retry = new AwsRetry(TimeProvider.System, maxAttempts: 3, baseDelay: TimeSpan.FromMilliseconds(10));
        var urls = await new SqsQueueProvisioner(new SqsApi(setup.Sqs), retry).EnsureAsync(new SqsQueueSpec { Name = "loop-jobs", Finished = false }, CancellationToken.None);
        await ProvisionAsync(new DynamoApi(setup.DynamoDb));
        if (marked)
        {
            await new SqsJobQueue(new SqsApi(setup.Sqs), urls, retry, TimeProvider.System).SendAsync(Body("unregistered"), TimeSpan.Zero, CancellationToken.None);
        }
        else
        {
            await new SqsApi(setup.Sqs).SendMessageAsync(urls.QueueUrl, Body("unregistered"), 0, null, CancellationToken.None);
        }

        var ssm = new FakeSsmApi { Next = new FakeInvocationScript { Stdout = "Hello World\n" } };
        var ledger = new DynamoJobLedger(workers.DynamoDb, Table, TimeProvider.System);
        var loop = new WorkerLoop(
            Worker,
            new WorkerLoopPorts(new SqsJobQueue(new SqsApi(workers.Sqs), urls, retry, TimeProvider.System), ledger,
                new SsmCommandRunner(ssm, new FakeOutputStore(), new SsmCommandRunnerOptions(), TimeProvider.System, retry), new ReadyFleet()),
            new QueueSettings { Name = urls.Name },
            new PoolSettings { Name = "p", MaxJobsPerWorker = 1, IdleTimeout = TimeSpan.FromSeconds(30) },
            new WorkerLoopOptions { Poll = new PollSchedule(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50)) },
            TimeProvider.System,
            new AlwaysRetire());

        await loop.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, workers.Counter.Calls.GetValueOrDefault("DynamoDB.GetItem"));
        Assert.Equal(writes, workers.Counter.Calls["DynamoDB.TransactWriteItems"]);
        var done = await ledger.GetAsync("unregistered", CancellationToken.None);
        Assert.Equal(JobStatus.Succeeded, done!.Status);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(new JobCounts { Jobs = 1, Succeeded = 1, Attempts = 1 }, await ledger.GetCountsAsync(urls.Name, CancellationToken.None));
    }

    /// <summary>One instance, running and ready; terminating it is a no-op.</summary>
    private sealed class ReadyFleet : IWorkerFleet
    {
        public Task<IReadOnlyList<WorkerInfo>> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<WorkerInfo?> DescribeAsync(string workerId, CancellationToken cancellationToken) =>
            Task.FromResult<WorkerInfo?>(new WorkerInfo { WorkerId = workerId, State = WorkerState.Running, Ready = true });

        public Task TerminateAsync(string workerId, string reason, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class AlwaysRetire : IRetirementGate
    {
        public bool TryRetire(string workerId) => true;
    }
}
