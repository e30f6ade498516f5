using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shoal.Aws.Commands;
using Shoal.Aws.Errors;
using Shoal.Aws.Fleet;
using Shoal.Aws.Hosting;
using Shoal.Aws.Interruptions;
using Shoal.Aws.Ledger;
using Shoal.Aws.Queue;
using Shoal.Aws.Sdk;
using Shoal.Core.Jobs;
using Shoal.Core.Scaling;
using Shoal.Core.Workers;

namespace Shoal.Bench;

/// <summary>
/// AWS requests per job, by operation, on the AWS engine assembled as `shoal run --provider aws` does it
/// (src/Shoal.Cli/Commands/RunCommand.cs RunOnAwsAsync, src/Shoal.Aws/Hosting/AwsEngine.cs) against
/// moto_server, twice: the polling path (no EventBridge rule feeds the command-events queue, so nothing
/// arrives on it) and the event-driven path (each command's end is put on that queue as EventBridge would).
/// SSM Run Command is <see cref="ScriptedSsmApi"/> (commands that take a set time). SQS, DynamoDB, EC2 and
/// the AMI's SSM parameter are counted on the wire by <see cref="AwsCallCounter"/> at the SDK's HTTP
/// handler; Run Command's calls at the ISsmApi seam. Each caller has its own SDK clients and so its own
/// counter: provisioning, submission, the fleet, the pool runner's depth checks, the interruption
/// listener, the command-event listener and the worker loops.
/// </summary>
internal sealed class AwsCallsScenario : IScenario
{
    public const string ScenarioName = "aws-calls";

    // config/samples/aws (the JobQueue default is 120 s: one heartbeat, 2 requests, per 1-minute job).
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan ScaleInterval = TimeSpan.FromSeconds(10); // as `shoal run --provider aws`
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(15);

    public string Name => ScenarioName;

    public string Summary => "AWS requests per job by operation, polling and event-driven paths, measured on moto; the seed modelled";

    public async Task<JsonObject> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var jobCount = context.Quick ? 4 : 16;
        var workerCount = context.Quick ? 4 : 8;
        var duration = TimeSpan.FromSeconds(context.Quick ? 15 : 60);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {jobCount} jobs of {duration.TotalSeconds:0} s on up to {workerCount} workers, lease {Lease.TotalSeconds:0} s, depth checks every {ScaleInterval.TotalSeconds:0} s; moto_server for SQS, DynamoDB, EC2; Run Command scripted"));

        await using var moto = await MotoProcess.StartAsync(cancellationToken);
        var polling = await RunPathAsync(moto, "poll", events: false, jobCount, workerCount, duration, cancellationToken);
        var events = await RunPathAsync(moto, "events", events: true, jobCount, workerCount, duration, cancellationToken);

        Console.WriteLine();
        Console.WriteLine($"  {"per job",-58} {"polling",8} {"events",8}");
        foreach (var key in new[] { "jobCore", "eventQueue", "job", "jobSteady", "finishedQueue", "overhead", "submission", "total" })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Label(key),-58} {polling.Budget[key]!.GetValue<double>(),8:0.00} {events.Budget[key]!.GetValue<double>(),8:0.00}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"end noticed after the command's end: mean / max (s)",-58} {polling.Latency.Mean,4:0.0}/{polling.Latency.Max,-4:0.0} {events.Latency.Mean,4:0.0}/{events.Latency.Max,-4:0.0}"));

        var model = new JsonArray();
        Console.WriteLine();
        Console.WriteLine("  poll model (no latency; a heartbeat every lease/3 also checks): GetCommandInvocation and heartbeats per job, and how late the end is seen");
        foreach (var (name, schedule) in new[] { ("Default (1 s, +10 %)", PollSchedule.Default), ("Doubling (1 s, ×2, ≤ 60 s)", PollSchedule.Doubling) })
        {
            foreach (var lease in new[] { TimeSpan.FromSeconds(120), Lease })
            {
                foreach (var seconds in new[] { 10, 30, 60, 300, 3600, 43200 })
                {
                    var m = PollModel(schedule, TimeSpan.FromSeconds(seconds), lease);
                    model.Add(new JsonObject
                    {
                        ["schedule"] = name,
                        ["leaseSeconds"] = lease.TotalSeconds,
                        ["jobSeconds"] = seconds,
                        ["polls"] = m.Polls,
                        ["heartbeats"] = m.Heartbeats,
                        ["lateSeconds"] = Round(m.Late.TotalSeconds),
                    });
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    {name,-28} lease {lease.TotalSeconds,3:0} s, {seconds,6} s job: {m.Polls,4} polls, {m.Heartbeats,4} heartbeats, seen {m.Late.TotalSeconds,5:0.0} s late"));
                }
            }

            foreach (var (from, to) in new[] { (30, 90), (300, 900) })
            {
                var spread = Enumerable.Range(from * 10, ((to - from) * 10) + 1).Select(d => PollModel(schedule, TimeSpan.FromSeconds(d / 10.0), Lease)).ToList();
                var lateShare = Enumerable.Range(from * 10, ((to - from) * 10) + 1).Select((d, i) => spread[i].Late.TotalSeconds / (d / 10.0)).ToList();
                model.Add(new JsonObject
                {
                    ["schedule"] = name,
                    ["jobSecondsFrom"] = from,
                    ["jobSecondsTo"] = to,
                    ["meanPolls"] = Round(spread.Average(m => m.Polls)),
                    ["meanLateShare"] = Round(lateShare.Average()),
                    ["maxLateShare"] = Round(lateShare.Max()),
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {name,-28} jobs of {from}–{to} s (uniform): {spread.Average(m => m.Polls):0.0} polls on average, end seen {100 * lateShare.Average():0} % of the run time late on average, {100 * lateShare.Max():0} % at worst"));
            }
        }

        return new JsonObject
        {
            ["jobs"] = jobCount,
            ["workers"] = workerCount,
            ["jobSeconds"] = duration.TotalSeconds,
            ["leaseSeconds"] = Lease.TotalSeconds,
            ["scaleIntervalSeconds"] = ScaleInterval.TotalSeconds,
            ["polling"] = polling.Json,
            ["events"] = events.Json,
            ["pollModel"] = model,
        };
    }

    private static string Label(string key) => key switch
    {
        "jobCore" => "job: the worker loop's own requests (finished queue apart)",
        "eventQueue" => "job: command-events queue (receives that brought events, deletes)",
        "job" => "job, measured (all jobs)",
        "jobSteady" => "job, steady state (polls as after the first wave)",
        "finishedQueue" => "finished-queue SendMessage (optional, finishedQueue.enabled)",
        "overhead" => "set-up and run-time overhead, amortized",
        "submission" => "submission (Submitter: GetItem, SendMessage, register)",
        "total" => "total, measured",
        _ => key,
    };

    private static async Task<PathResult> RunPathAsync(MotoProcess moto, string tag, bool events, int jobCount, int workerCount, TimeSpan duration, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine(events
            ? "  event-driven path: each command's end is put on the command-events queue as an EventBridge rule would"
            : "  polling path: no EventBridge rule, nothing arrives on the command-events queue");
        var time = TimeProvider.System;
        var logger = new CountingLogger();
        var retry = new AwsRetry(time);
        var queueName = $"bench-{tag}-job-queue";
        var tableName = $"bench-{tag}-job-monitoring";

        using var provisioning = moto.NewClients();
        using var submission = moto.NewClients();
        using var fleetClients = moto.NewClients();
        using var scalerClients = moto.NewClients();
        using var listenerClients = moto.NewClients();
        using var eventClients = moto.NewClients();
        using var workerClients = moto.NewClients();
        using var eventBridge = moto.NewClients(); // stands in for EventBridge's deliveries: not Shoal's requests
        using var checkClients = moto.NewClients();

        // AwsEngine.OpenAsync: the job, dead-letter and finished queues and the job table.
        var urls = await new SqsQueueProvisioner(new SqsApi(provisioning.Sqs), retry, logger).EnsureAsync(new SqsQueueSpec
        {
            Name = queueName,
            Finished = true,
            MaxReceiveCount = 1000,
            VisibilityTimeout = Lease,
        }, cancellationToken);
        var table = await new DynamoTableProvisioner(provisioning.DynamoDb, time, logger).EnsureAsync(tableName, cancellationToken);
        var retention = TimeSpan.FromDays(14);
        var queueSettings = new QueueSettings { Name = urls.Name, Defaults = new JobDefaults { Retry = 2 }, MaxInterruptions = 10, LeaseDuration = Lease };
        var pool = new PoolSettings { Name = $"bench-{tag}-pool", MaxWorkers = workerCount, IdleTimeout = TimeSpan.FromSeconds(60) };

        // What Submitter does per job: look the id up, send, register as QUEUED.
        var jobs = Enumerable.Range(0, jobCount).Select(i => new BenchJob($"aws-{tag}-{i:D3}", ["sleep " + duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)])).ToList();
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

        // AwsEngine.StartWorkersAsync: fleet, runner (SSM scripted), interruption and command-event queues; the orphan sweep.
        var ownerId = $"shoal-run/bench-{tag}/{Environment.MachineName}";
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
        var provisioningSqs = new SqsApi(provisioning.Sqs);
        var interruptionUrl = await retry.RunAsync(ct => provisioningSqs.CreateQueueAsync(queueName + "-interruptions", new Dictionary<string, string>(), ct), cancellationToken);
        var commandEventsUrl = await retry.RunAsync(ct => provisioningSqs.CreateQueueAsync(queueName + "-command-events", new Dictionary<string, string>(), ct), cancellationToken);
        Func<string, string, string, Task>? announce = events
            ? (commandId, instanceId, document) => eventBridge.Sqs.SendMessageAsync(commandEventsUrl, CommandEvent(commandId, instanceId, document, "Success"), CancellationToken.None)
            : null;
        var ssm = new ScriptedSsmApi(workerClients.Counter, duration, TimeSpan.FromMilliseconds(20), time, announce);
        var runner = new SsmCommandRunner(ssm, new S3OutputStore(workerClients.S3), new SsmCommandRunnerOptions { OutputBucket = "shoal-bench-output" }, time, retry, logger);
        await new Ec2GarbageCollector(new Ec2Api(provisioning.Ec2), ownerId, time, retry, TimeSpan.Zero, logger).CollectAsync(new HashSet<string>(), cancellationToken);

        var workerSqs = new ReceiveTally(new SqsApi(workerClients.Sqs));
        var listenerSqs = new ReceiveTally(new SqsApi(listenerClients.Sqs));
        var queue = new SplitQueue(
            new SqsJobQueue(workerSqs, urls, retry, time, logger),
            new SqsJobQueue(new SqsApi(scalerClients.Sqs), urls, retry, time, logger));
        var ledger = new DynamoJobLedger(workerClients.DynamoDb, table.TableName, time, retention);
        var observer = new RecordingObserver(time);
        var poolRunner = new PoolRunner(
            new WorkerLoopPorts(queue, ledger, runner, fleet), queueSettings, pool, AwsEngine.LoopOptions,
            new PoolRunnerOptions { ScaleInterval = ScaleInterval }, time, observer, null, logger);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RunLimit);
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listener = new InterruptionListener(listenerSqs, interruptionUrl, new InterruptionHandler(poolRunner, logger, fleet), retry, time, logger);
        var interruptions = listener.RunAsync(listening.Token);
        var eventSource = new CommandEventSource(eventClients.Sqs, commandEventsUrl, runner, time, logger);
        var commandEvents = eventSource.RunAsync(listening.Token);
        var clock = Stopwatch.StartNew();
        await poolRunner.RunAsync(untilDrained: true, limit.Token);
        var runSeconds = clock.Elapsed.TotalSeconds;
        await ssm.AnnouncedAsync();
        await listening.CancelAsync();
        await interruptions;
        await commandEvents;

        var counts = await new DynamoJobLedger(checkClients.DynamoDb, table.TableName, time, retention).GetCountsAsync(urls.Name, CancellationToken.None);
        var categories = new (string Key, IReadOnlyDictionary<string, long> Calls)[]
        {
            ("provisioning", Snapshot(provisioning.Counter)),
            ("fleet", Snapshot(fleetClients.Counter)),
            ("scaler", Snapshot(scalerClients.Counter)),
            ("interruptions", Snapshot(listenerClients.Counter)),
            ("events", Snapshot(eventClients.Counter)),
            ("submit", Snapshot(submission.Counter)),
            ("workers", Snapshot(workerClients.Counter)),
        };

        long Get(string key, string op) => categories.Single(c => c.Key == key).Calls.GetValueOrDefault(op);
        double Per(double n) => n / jobCount;
        var polls = ssm.PollsPerCommand;
        var firstWave = polls.Take(workerCount).ToList();
        var laterWaves = polls.Skip(workerCount).ToList();
        var attempts = observer.Attempts().Where(a => a.EndedTicks is not null).ToList();
        var late = attempts.Select(a => (TimeSpan.FromTicks(a.EndedTicks!.Value - a.StartedTicks) - duration).TotalSeconds).ToList();
        var latency = (Mean: late.Count > 0 ? late.Average() : double.NaN, Max: late.Count > 0 ? late.Max() : double.NaN);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  run: {runSeconds:0.0} s; {counts.Succeeded}/{jobCount} succeeded, {counts.Attempts} attempts, {counts.Interruptions} interruptions; {poolRunner.WorkersLaunched} workers launched, {poolRunner.WorkersTerminated} terminated; {observer.Errors.Count} worker errors, {logger.Warnings} warnings"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  GetCommandInvocation per command: first wave {string.Join(" ", firstWave)}; later {string.Join(" ", laterWaves)}; {ssm.QuickPolls} came < 5 ms after the previous answer"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  command events: {eventSource.Events} seen in {eventSource.Receives} receives ({eventSource.EmptyReceives} empty); worker receives {workerSqs.Started} (empty {workerSqs.Empty}, cancelled in flight {workerSqs.Unanswered}); end seen {latency.Mean:0.00} s after the command's end on average, {latency.Max:0.00} s at worst"));

        // Per job: the worker loops' requests minus their receives that brought no job are the job's own;
        // so are the command-event receives that brought events and their deletes. Everything else is
        // set-up or run-time overhead, amortized over the jobs.
        var emptyWorkerReceives = workerSqs.Empty + workerSqs.Unanswered;
        var emptyEventReceives = eventSource.EmptyReceives + 1; // + the long poll cancelled on stop
        var operations = categories.SelectMany(c => c.Calls.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var perJob = new JsonArray();
        Console.WriteLine($"  {"requests per job",-34} {"overhead",8} {"submit",7} {"job",6} {"events",7} {"total",7}");
        double overheadSum = 0, submitSum = 0, jobSum = 0, eventSum = 0;
        foreach (var op in operations)
        {
            var receive = op == "SQS.ReceiveMessage";
            var overhead = Per(Get("provisioning", op) + Get("fleet", op) + Get("scaler", op)
                + Get("interruptions", op) + (receive ? listenerSqs.Unanswered : 0)
                + (receive ? emptyWorkerReceives + emptyEventReceives : 0));
            var submit = Per(Get("submit", op));
            var job = Per(Get("workers", op) + (receive ? workerSqs.Unanswered - emptyWorkerReceives : 0));
            var eventJob = Per(Get("events", op) + (receive ? 1 - emptyEventReceives : 0));
            overheadSum += overhead;
            submitSum += submit;
            jobSum += job;
            eventSum += eventJob;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {op,-34} {overhead,8:0.00} {submit,7:0.00} {job,6:0.00} {eventJob,7:0.00} {overhead + submit + job + eventJob,7:0.00}"));
            perJob.Add(new JsonObject
            {
                ["operation"] = op,
                ["overhead"] = Round(overhead),
                ["submit"] = Round(submit),
                ["job"] = Round(job),
                ["eventQueue"] = Round(eventJob),
                ["total"] = Round(overhead + submit + job + eventJob),
            });
        }

        var finished = Per(Get("workers", "SQS.SendMessage"));
        var meanPolls = polls.Count > 0 ? polls.Average() : 0;
        var steadyPolls = laterWaves.Count > 0 ? laterWaves.Average() : meanPolls;
        var budget = new JsonObject
        {
            ["jobCore"] = Round(jobSum - finished),
            ["eventQueue"] = Round(eventSum),
            ["job"] = Round(jobSum - finished + eventSum),
            ["jobSteady"] = Round(jobSum - finished + eventSum - meanPolls + steadyPolls),
            ["finishedQueue"] = Round(finished),
            ["overhead"] = Round(overheadSum),
            ["submission"] = Round(submitSum),
            ["total"] = Round(overheadSum + submitSum + jobSum + eventSum),
        };

        var json = new JsonObject
        {
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
            ["commandEvents"] = new JsonObject { ["events"] = eventSource.Events, ["receives"] = eventSource.Receives, ["emptyReceives"] = eventSource.EmptyReceives },
            ["pollsPerCommand"] = new JsonArray([.. polls.Select(p => (JsonNode?)p)]),
            ["quickPolls"] = ssm.QuickPolls,
            ["endSeenLateSeconds"] = new JsonObject { ["mean"] = Round(latency.Mean), ["max"] = Round(latency.Max) },
            ["calls"] = new JsonObject(categories.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)new JsonObject(c.Calls.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)))))),
            ["perJob"] = perJob,
            ["budget"] = budget,
        };
        return new PathResult(json, budget, latency);
    }

    /// <summary>
    /// The worker loop's checks while a command runs (WorkerLoop.RunAttemptAsync): wait min(schedule.Next(elapsed),
    /// time to the next heartbeat), then one GetCommandInvocation; a heartbeat every lease/3. No latency.
    /// </summary>
    internal static (int Polls, int Heartbeats, TimeSpan Late) PollModel(PollSchedule schedule, TimeSpan duration, TimeSpan lease)
    {
        var every = TimeSpan.FromTicks(lease.Ticks / 3);
        var t = TimeSpan.Zero;
        var next = every;
        var polls = 0;
        var heartbeats = 0;
        while (true)
        {
            var wait = schedule.Next(t);
            if (next - t < wait)
            {
                wait = next - t;
            }

            t += wait;
            polls++;
            if (t >= duration)
            {
                return (polls, heartbeats, t - duration);
            }

            if (t >= next)
            {
                heartbeats++;
                next = t + every;
            }
        }
    }

    private static string CommandEvent(string commandId, string instanceId, string document, string status) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["version"] = "0",
        ["id"] = Guid.NewGuid().ToString(),
        ["detail-type"] = CommandEventSource.DetailType,
        ["source"] = "aws.ssm",
        ["account"] = "123456789012",
        ["time"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["region"] = "us-east-1",
        ["resources"] = new[] { $"arn:aws:ec2:us-east-1:123456789012:instance/{instanceId}" },
        ["detail"] = new Dictionary<string, string>
        {
            ["command-id"] = commandId,
            ["document-name"] = document,
            ["instance-id"] = instanceId,
            ["requested-date-time"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["status"] = status,
        },
    });

    private static Dictionary<string, long> Snapshot(AwsCallCounter counter) => new(counter.Calls, StringComparer.Ordinal);

    private static double Round(double value) => Math.Round(value, 3);

    private sealed record PathResult(JsonObject Json, JsonObject Budget, (double Mean, double Max) Latency);
}
