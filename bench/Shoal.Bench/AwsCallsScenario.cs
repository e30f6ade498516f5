using Shoal.Aws.Hosting;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Shoal.Aws.Commands;
using Shoal.Aws.Errors;
using Shoal.Aws.Fleet;
using Shoal.Aws.Interruptions;
using Shoal.Aws.Ledger;
using Shoal.Aws.Queue;
using Shoal.Aws.Sdk;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Scaling;
using Shoal.Core.Workers;

namespace Shoal.Bench;

/// <summary>
/// AWS requests per job, by operation, on the AWS engine assembled as `shoal run --provider aws` does it
/// (src/Shoal.Cli/Commands/RunCommand.cs RunOnAwsAsync, src/Shoal.Cli/Aws/AwsEngine.cs) against moto_server,
/// with SSM Run Command replaced by <see cref="ScriptedSsmApi"/> (commands that take a set time). SQS,
/// DynamoDB, EC2 and the AMI's SSM parameter are counted on the wire by <see cref="AwsCallCounter"/> at the
/// SDK's HTTP handler; Run Command's calls are counted at the ISsmApi seam. Each caller gets its own SDK
/// clients and so its own counter: provisioning, submission, the fleet, the pool runner's depth checks,
/// the interruption listener and the worker loops.
/// </summary>
internal sealed class AwsCallsScenario : IScenario
{
    public const string ScenarioName = "aws-calls";

    private const string QueueName = "bench-job-queue";
    private const string TableName = "bench-job-monitoring";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(120); // JobQueue spec default (leaseSeconds)
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(15);

    public string Name => ScenarioName;

    public string Summary => "AWS requests per job by operation (polling path measured on moto; event-driven path and the seed computed)";

    public async Task<JsonObject> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var jobCount = context.Quick ? 4 : 16;
        var workerCount = context.Quick ? 4 : 8;
        var duration = TimeSpan.FromSeconds(context.Quick ? 15 : 60);
        var time = TimeProvider.System;
        var logger = new CountingLogger();
        var retry = new AwsRetry(time);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {jobCount} jobs of {duration.TotalSeconds:0} s on up to {workerCount} workers; moto_server for SQS, DynamoDB, EC2; Run Command scripted"));

        await using var moto = await MotoProcess.StartAsync(cancellationToken);
        using var provisioning = moto.NewClients();
        using var submission = moto.NewClients();
        using var fleetClients = moto.NewClients();
        using var scalerClients = moto.NewClients();
        using var listenerClients = moto.NewClients();
        using var workerClients = moto.NewClients();
        using var checkClients = moto.NewClients();

        // AwsEngine.OpenAsync: the job, dead-letter and finished queues and the job table.
        var urls = await new SqsQueueProvisioner(new SqsApi(provisioning.Sqs), retry, logger).EnsureAsync(new SqsQueueSpec
        {
            Name = QueueName,
            Finished = true,
            MaxReceiveCount = 1000,
            VisibilityTimeout = Lease,
        }, cancellationToken);
        var table = await new DynamoTableProvisioner(provisioning.DynamoDb, time, logger).EnsureAsync(TableName, cancellationToken);
        var retention = TimeSpan.FromDays(14);
        var queueSettings = new QueueSettings { Name = urls.Name, Defaults = new JobDefaults { Retry = 2 }, MaxInterruptions = 10, LeaseDuration = Lease };
        var pool = new PoolSettings { Name = "bench-pool", MaxWorkers = workerCount, IdleTimeout = TimeSpan.FromSeconds(60) };

        // What Submitter does per job: look the id up, send, register as QUEUED.
        var jobs = Enumerable.Range(0, jobCount).Select(i => new BenchJob($"aws-{i:D3}", ["sleep " + duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)])).ToList();
        var submitQueue = new SqsJobQueue(new SqsApi(submission.Sqs), urls, retry, time, logger);
        var submitLedger = new DynamoJobLedger(submission.DynamoDb, table.TableName, time, retention);
        foreach (var job in jobs)
        {
            var body = job.ToMessage();
            var spec = JobMessageParser.Parse(body, queueSettings.Defaults).Job ?? throw new InvalidOperationException(body);
            if (await submitLedger.GetAsync(spec.JobId, cancellationToken) is not null)
            {
                throw new InvalidOperationException($"job {spec.JobId} exists on a fresh moto");
            }

            await submitQueue.SendAsync(body, TimeSpan.Zero, cancellationToken);
            await submitLedger.TryWriteAsync(null, JobTransitions.Registered(submitQueue.Name, spec, body, time.GetUtcNow()), cancellationToken);
        }

        // AwsEngine.StartWorkersAsync: fleet, runner (SSM scripted), interruption queue; then the orphan sweep.
        var ownerId = $"shoal-run/bench/{Environment.MachineName}";
        using var fleet = new Ec2WorkerFleet(
            new Ec2PoolOptions
            {
                PoolName = pool.Name,
                QueueName = urls.Name,
                OwnerId = ownerId,
                InstanceTypes = ["m5.large", "m5a.large", "m6i.large", "c5.large"],
                Platform = "linux",
            },
            new Ec2Api(fleetClients.Ec2),
            new SsmParameterApi(fleetClients.Ssm),
            time,
            retry,
            logger: logger);
        var ssm = new ScriptedSsmApi(workerClients.Counter, duration, TimeSpan.FromMilliseconds(20), time);
        var runner = new SsmCommandRunner(ssm, new S3OutputStore(workerClients.S3), new SsmCommandRunnerOptions { OutputBucket = "shoal-bench-output" }, time, retry, logger);
        var interruptionUrl = await retry.RunAsync(ct => new SqsApi(provisioning.Sqs).CreateQueueAsync(QueueName + "-interruptions", new Dictionary<string, string>(), ct), cancellationToken);
        await new Ec2GarbageCollector(new Ec2Api(provisioning.Ec2), ownerId, time, retry, TimeSpan.Zero, logger).CollectAsync(new HashSet<string>(), cancellationToken);

        var workerSqs = new ReceiveTally(new SqsApi(workerClients.Sqs));
        var listenerSqs = new ReceiveTally(new SqsApi(listenerClients.Sqs));
        var queue = new SplitQueue(
            new SqsJobQueue(workerSqs, urls, retry, time, logger),
            new SqsJobQueue(new SqsApi(scalerClients.Sqs), urls, retry, time, logger));
        var ledger = new DynamoJobLedger(workerClients.DynamoDb, table.TableName, time, retention);
        var observer = new RecordingObserver(time);
        var poolRunner = new PoolRunner(new WorkerLoopPorts(queue, ledger, runner, fleet), queueSettings, pool, new WorkerLoopOptions(), new PoolRunnerOptions(), time, observer, null, logger);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RunLimit);
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listener = new InterruptionListener(listenerSqs, interruptionUrl, new InterruptionHandler(poolRunner, logger), retry, time, logger);
        var interruptions = listener.RunAsync(listening.Token);
        var clock = Stopwatch.StartNew();
        await poolRunner.RunAsync(untilDrained: true, limit.Token);
        var runSeconds = clock.Elapsed.TotalSeconds;
        await listening.CancelAsync();
        await interruptions;

        var counts = await new DynamoJobLedger(checkClients.DynamoDb, table.TableName, time, retention).GetCountsAsync(urls.Name, CancellationToken.None);
        var categories = new (string Key, string Label, IReadOnlyDictionary<string, long> Calls)[]
        {
            ("provisioning", "provisioning (queues, table, interruption queue, orphan sweep)", Snapshot(provisioning.Counter)),
            ("fleet", "fleet (AMI parameter, launch, describe, terminate)", Snapshot(fleetClients.Counter)),
            ("scaler", "pool runner depth checks (every 1 s)", Snapshot(scalerClients.Counter)),
            ("interruptions", "interruption listener (20 s long polls)", Snapshot(listenerClients.Counter)),
            ("submit", "submission (Submitter: GetItem, SendMessage, PutItem)", Snapshot(submission.Counter)),
            ("workers", "worker loops (SQS, DynamoDB on the wire; SSM at the seam)", Snapshot(workerClients.Counter)),
        };

        var workers = categories.Single(c => c.Key == "workers").Calls;
        var wireReceives = workers.GetValueOrDefault("SQS.ReceiveMessage");
        // Receives that carried no job: answered empty, or cancelled in flight (not in the wire counter).
        var emptyReceives = workerSqs.Empty + workerSqs.Unanswered;
        var polls = ssm.PollsPerCommand;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  run: {runSeconds:0.0} s; {counts.Succeeded}/{jobCount} succeeded, {counts.Attempts} attempts, {counts.Interruptions} interruptions; {poolRunner.WorkersLaunched} workers launched, {poolRunner.WorkersTerminated} terminated; {observer.Errors.Count} worker errors, {logger.Warnings} warnings"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  worker receives started {workerSqs.Started} (answered empty {workerSqs.Empty}, cancelled in flight {workerSqs.Unanswered}), SQS.ReceiveMessage on the wire counter {wireReceives}; listener receives started {listenerSqs.Started} (cancelled in flight {listenerSqs.Unanswered}, on the wire counter {Get(categories, "interruptions", "SQS.ReceiveMessage")}); GetCommandInvocation per command: min {polls.Min()}, max {polls.Max()}, {ssm.QuickPolls} came < 5 ms after the previous answer (SSM double latency {ssm.Latency.TotalMilliseconds:0} ms per call)"));

        // Per job: the worker loops' requests minus the receives that came back empty are the job's own
        // (steady state); everything else is set-up or run-time overhead, amortized over the jobs.
        var operations = categories.SelectMany(c => c.Calls.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var perJob = new JsonArray();
        double Per(double n) => n / jobCount;
        Console.WriteLine();
        Console.WriteLine($"  {"requests per job",-34} {"prov.",6} {"fleet",6} {"scaler",7} {"intr.",6} {"idle rx",7} {"setup Σ",8} {"submit",7} {"job",6} {"total",7}");
        var totals = new double[9];
        foreach (var op in operations)
        {
            var provisioned = Per(Get(categories, "provisioning", op));
            var fleetCalls = Per(Get(categories, "fleet", op));
            var scaler = Per(Get(categories, "scaler", op));
            // Long polls cancelled in flight reached SQS but are not in the wire counter: added here.
            var listenerCalls = Per(Get(categories, "interruptions", op) + (op == "SQS.ReceiveMessage" ? listenerSqs.Unanswered : 0));
            var idle = op == "SQS.ReceiveMessage" ? Per(emptyReceives) : 0;
            var setup = provisioned + fleetCalls + scaler + listenerCalls + idle;
            var submit = Per(Get(categories, "submit", op));
            var job = Per(Get(categories, "workers", op) + (op == "SQS.ReceiveMessage" ? workerSqs.Unanswered : 0)) - idle;
            var row = new[] { provisioned, fleetCalls, scaler, listenerCalls, idle, setup, submit, job, setup + submit + job };
            for (var i = 0; i < row.Length; i++)
            {
                totals[i] += row[i];
            }

            Console.WriteLine(FormatRow(op, row));
            perJob.Add(new JsonObject
            {
                ["operation"] = op,
                ["provisioning"] = Round(provisioned),
                ["fleet"] = Round(fleetCalls),
                ["scaler"] = Round(scaler),
                ["interruptions"] = Round(listenerCalls),
                ["idleReceives"] = Round(idle),
                ["setup"] = Round(setup),
                ["submit"] = Round(submit),
                ["job"] = Round(job),
                ["total"] = Round(setup + submit + job),
            });
        }

        Console.WriteLine(FormatRow("total", totals));

        // The event-driven path, computed (src/Shoal.Aws/Commands/CommandEventSource.cs does not exist here):
        // the job's polls but one (the exit code is not in SSM's status-change event, so one
        // GetCommandInvocation stays), plus one ReceiveMessage and one DeleteMessage on an event queue.
        var pollsPerJob = Per(Get(categories, "workers", "SSM.GetCommandInvocation"));
        var jobSteady = totals[7];
        var eventJob = jobSteady - pollsPerJob + 1 + 2;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  polling path, measured: {jobSteady:0.00} requests per job in steady state ({pollsPerJob:0.00} of them GetCommandInvocation), {totals[5]:0.00} set-up/overhead, {totals[6]:0.00} submission"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  event-driven path, COMPUTED (not measured): {jobSteady:0.00} − {pollsPerJob:0.00} polls + 1 GetCommandInvocation + 1 ReceiveMessage + 1 DeleteMessage = {eventJob:0.00} per job"));

        var model = PollModel(duration, Lease);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  poll model (PollSchedule.Default, heartbeat every lease/3 = {Lease.TotalSeconds / 3:0} s, no latency): {model.Polls} GetCommandInvocation, {model.Heartbeats} heartbeats for {duration.TotalSeconds:0} s"));
        var modelRows = new JsonArray();
        foreach (var seconds in new[] { 60, 600, 3600, 43200 })
        {
            var m = PollModel(TimeSpan.FromSeconds(seconds), Lease);
            modelRows.Add(new JsonObject { ["jobSeconds"] = seconds, ["polls"] = m.Polls, ["heartbeats"] = m.Heartbeats });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {seconds,6} s job: {m.Polls,4} polls, {m.Heartbeats,4} heartbeats (2 requests each)"));
        }

        return new JsonObject
        {
            ["jobs"] = jobCount,
            ["workers"] = workerCount,
            ["jobSeconds"] = duration.TotalSeconds,
            ["leaseSeconds"] = Lease.TotalSeconds,
            ["runSeconds"] = Math.Round(runSeconds, 1),
            ["succeeded"] = counts.Succeeded,
            ["attempts"] = counts.Attempts,
            ["interruptions"] = counts.Interruptions,
            ["workersLaunched"] = poolRunner.WorkersLaunched,
            ["workersTerminated"] = poolRunner.WorkersTerminated,
            ["workerErrors"] = observer.Errors.Count,
            ["warnings"] = logger.Warnings,
            ["workerReceives"] = new JsonObject { ["started"] = workerSqs.Started, ["answeredEmpty"] = workerSqs.Empty, ["cancelledInFlight"] = workerSqs.Unanswered },
            ["listenerReceives"] = new JsonObject { ["started"] = listenerSqs.Started, ["answeredEmpty"] = listenerSqs.Empty, ["cancelledInFlight"] = listenerSqs.Unanswered },
            ["pollsPerCommand"] = new JsonArray([.. polls.Select(p => (JsonNode?)p)]),
            ["quickPolls"] = ssm.QuickPolls,
            ["ssmDoubleLatencyMs"] = ssm.Latency.TotalMilliseconds,
            ["calls"] = new JsonObject(categories.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)new JsonObject(c.Calls.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)))))),
            ["perJob"] = perJob,
            ["perJobTotals"] = new JsonObject
            {
                ["setup"] = Round(totals[5]),
                ["submit"] = Round(totals[6]),
                ["job"] = Round(totals[7]),
                ["total"] = Round(totals[8]),
            },
            ["eventDrivenComputed"] = new JsonObject
            {
                ["job"] = Round(eventJob),
                ["how"] = "measured steady-state per job − GetCommandInvocation polls + 1 GetCommandInvocation (exit code) + 1 ReceiveMessage + 1 DeleteMessage on an event queue",
            },
            ["pollModel"] = modelRows,
        };
    }

    /// <summary>
    /// The worker loop's wait while a command runs (WorkerLoop.RunAttemptAsync): min(PollSchedule.Default.Next(elapsed),
    /// time to the next heartbeat), one GetCommandInvocation after each wait, a heartbeat every lease/3. No latency.
    /// </summary>
    internal static (int Polls, int Heartbeats) PollModel(TimeSpan duration, TimeSpan lease)
    {
        var every = TimeSpan.FromTicks(lease.Ticks / 3);
        var t = TimeSpan.Zero;
        var next = every;
        var polls = 0;
        var heartbeats = 0;
        while (true)
        {
            var wait = PollSchedule.Default.Next(t);
            if (next - t < wait)
            {
                wait = next - t;
            }

            t += wait;
            polls++;
            if (t >= duration)
            {
                return (polls, heartbeats);
            }

            if (t >= next)
            {
                heartbeats++;
                next = t + every;
            }
        }
    }

    private static long Get((string Key, string Label, IReadOnlyDictionary<string, long> Calls)[] categories, string key, string op) =>
        categories.Single(c => c.Key == key).Calls.GetValueOrDefault(op);

    private static Dictionary<string, long> Snapshot(AwsCallCounter counter) => new(counter.Calls, StringComparer.Ordinal);

    private static double Round(double value) => Math.Round(value, 3);

    private static string FormatRow(string op, double[] row) => string.Create(CultureInfo.InvariantCulture,
        $"  {op,-34} {row[0],6:0.00} {row[1],6:0.00} {row[2],7:0.00} {row[3],6:0.00} {row[4],7:0.00} {row[5],8:0.00} {row[6],7:0.00} {row[7],6:0.00} {row[8],7:0.00}");
}
