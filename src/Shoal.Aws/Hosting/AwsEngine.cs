using Amazon.S3;
using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;
using Shoal.Aws.Commands;
using Shoal.Aws.Errors;
using Shoal.Aws.Fleet;
using Shoal.Aws.Ingest;
using Shoal.Aws.Interruptions;
using Shoal.Aws.Ledger;
using Shoal.Aws.Queue;
using Shoal.Aws.Sdk;
using Shoal.Core.Workers;

namespace Shoal.Aws.Hosting;

/// <summary>
/// The engine's ports on AWS for one JobQueue (and, for `shoal run`, one WorkerPool): creates or finds
/// the queues, the job table and the ingest wiring the manifest names, then builds the adapters.
/// Credentials and region come from the SDK's standard chain; AWS_ENDPOINT_URL points every service
/// elsewhere (moto, LocalStack).
/// </summary>
public sealed class AwsEngine : IAsyncDisposable
{
    private readonly AwsClients clients;
    private readonly bool ownsClients;

    private AwsEngine(AwsClients clients, bool ownsClients, SqsJobQueue queue, DynamoJobLedger ledger)
    {
        this.clients = clients;
        this.ownsClients = ownsClients;
        Queue = queue;
        Ledger = ledger;
    }

    public SqsJobQueue Queue { get; }

    public DynamoJobLedger Ledger { get; }

    public Ec2WorkerFleet? Fleet { get; private set; }

    public SsmCommandRunner? Runner { get; private set; }

    public S3JobIngest? Ingest { get; private set; }

    public string? InterruptionQueueUrl { get; private set; }

    public string? CommandEventQueueUrl { get; private set; }

    public AwsCallCounter Calls => clients.Counter;

    /// <summary>
    /// The worker loop's settings on AWS, where every status check is a GetCommandInvocation and every
    /// ledger write a DynamoDB transaction. Checks back off by doubling (1, 2, 4 … s, then every minute):
    /// with SSM status-change events flowing they only pace the loop's wake-ups (the runner skips the
    /// request); without events they are the polls, 7 for a 1-minute job, at the price of noticing its end
    /// up to twice its run time late (bench/README.md, "AWS requests per job"). The command id rides on the
    /// first lease renewal: the SSM runner finds a command by job and attempt after a restart.
    /// </summary>
    public static WorkerLoopOptions LoopOptions { get; } = new() { Poll = PollSchedule.Doubling, WriteCommandIdAtStart = false };

    /// <summary>What `shoal run` tags its instances with, so a later run's garbage collector knows them.</summary>
    public static string OwnerId(JobQueue queue) => $"shoal-run/{queue.Metadata.Name}/{Environment.MachineName}";

    /// <summary>The queue and the ledger: what `submit` needs.</summary>
    public static Task<AwsEngine> OpenAsync(JobQueue jobQueue, TimeProvider time, ILogger logger, CancellationToken cancellationToken) =>
        OpenAsync(jobQueue, null, time, logger, cancellationToken);

    /// <summary>
    /// As above on <paramref name="shared"/> clients (the operator's one HTTP pool and call counter), which the
    /// engine then does not dispose; null makes the engine's own from the environment.
    /// </summary>
    public static async Task<AwsEngine> OpenAsync(JobQueue jobQueue, AwsClients? shared, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobQueue);
        var clients = shared ?? new AwsClients(AwsClientOptions.FromEnvironment());
        try
        {
            var retry = new AwsRetry(time);
            var sqs = new SqsApi(clients.Sqs);
            var spec = jobQueue.Spec;
            var urls = await new SqsQueueProvisioner(sqs, retry, logger).EnsureAsync(new SqsQueueSpec
            {
                Name = SpecMapper.QueueNameOf(jobQueue),
                Url = spec.QueueUrl,
                Finished = spec.FinishedQueue.Enabled,
                MaxReceiveCount = spec.DeadLetter.MaxReceiveCount,
                VisibilityTimeout = TimeSpan.FromSeconds(spec.LeaseSeconds),
            }, cancellationToken);
            var table = await new DynamoTableProvisioner(clients.DynamoDb, time, logger).EnsureAsync(SpecMapper.TableNameOf(jobQueue), cancellationToken);
            var ledger = new DynamoJobLedger(clients.DynamoDb, table.TableName, time, TimeSpan.FromDays(spec.Retention.Days));
            return new AwsEngine(clients, shared is null, new SqsJobQueue(sqs, urls, retry, time, logger), ledger);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (shared is null)
            {
                clients.Dispose();
            }

            throw Explain(e);
        }
    }

    /// <summary>Adds the workers: the EC2 fleet, the SSM runner, S3 ingest and the interruption queue.</summary>
    /// <param name="ownerId">The owner tag of launched instances (what the garbage collector looks for); null for `shoal run`'s.</param>
    public async Task StartWorkersAsync(JobQueue jobQueue, WorkerPool pool, TimeProvider time, ILogger logger, CancellationToken cancellationToken, string? ownerId = null)
    {
        ArgumentNullException.ThrowIfNull(jobQueue);
        ArgumentNullException.ThrowIfNull(pool);
        try
        {
            var retry = new AwsRetry(time);
            var sqs = new SqsApi(clients.Sqs);
            var spec = jobQueue.Spec;
            var template = pool.Spec.Template ?? new WorkerTemplate();
            Fleet = new Ec2WorkerFleet(
                new Ec2PoolOptions
                {
                    PoolName = pool.Metadata.Name,
                    QueueName = SpecMapper.QueueNameOf(jobQueue),
                    OwnerId = ownerId ?? OwnerId(jobQueue),
                    ImageId = template.Ami,
                    ImageParameter = template.AmiParameter,
                    InstanceTypes = [.. template.InstanceTypes ?? []],
                    Subnets = [.. template.Subnets ?? []],
                    SecurityGroups = [.. template.SecurityGroups ?? []],
                    InstanceProfile = template.InstanceProfile,
                    UserData = template.UserData,
                    Tags = new Dictionary<string, string>(template.Tags ?? new Dictionary<string, string>()),
                    Capacity = pool.Spec.Capacity,
                    AllocationStrategy = pool.Spec.AllocationStrategy,
                    Platform = pool.Spec.Platform ?? spec.JobDefaults.Platform,
                    AdoptionTagKey = pool.Spec.AdoptionTagKey,
                },
                new Ec2Api(clients.Ec2),
                new SsmParameterApi(clients.Ssm),
                time,
                retry,
                logger: logger);
            Runner = new SsmCommandRunner(
                new AwsSsmApi(clients.Ssm, clients.SsmSend),
                new S3OutputStore(clients.S3),
                new SsmCommandRunnerOptions { OutputBucket = spec.Output?.Bucket, OutputKeyPrefix = spec.Output?.Prefix },
                time,
                retry,
                logger);

            if (spec.Ingest is { Bucket: { } bucket } ingest)
            {
                await EnsureBucketAsync(bucket, logger, cancellationToken);
                var setup = await new S3IngestProvisioner(sqs, clients.S3, retry, logger).EnsureAsync(new S3IngestSpec
                {
                    Bucket = bucket,
                    QueueName = SpecMapper.QueueNameOf(jobQueue) + "-ingest",
                    ExecutableSuffix = ingest.ExecutableSuffix,
                    Prefix = ingest.Prefix,
                }, cancellationToken);
                var defaults = SpecMapper.ToJobDefaults(spec.JobDefaults);
                Ingest = new S3JobIngest(sqs, new S3IngestOptions
                {
                    QueueUrl = setup.QueueUrl,
                    Bucket = bucket,
                    Prefix = ingest.Prefix,
                    ExecutableSuffix = ingest.ExecutableSuffix,
                    Platform = SpecMapper.ToPlatform(ingest.Platform ?? spec.JobDefaults.Platform),
                    Retry = defaults.Retry,
                    SuccessString = defaults.SuccessString,
                    TimeoutSeconds = defaults.TimeoutSeconds,
                }, Queue, Ledger, retry, time, logger);
            }

            // EventBridge rules deliver spot interruption warnings, rebalance recommendations and state
            // changes here (see the README for the rules); the queue is ours, so it is created if missing.
            InterruptionQueueUrl = await retry.RunAsync(ct => sqs.CreateQueueAsync(SpecMapper.QueueNameOf(jobQueue) + "-interruptions", new Dictionary<string, string>(), ct), cancellationToken);

            // "EC2 Command Invocation Status-change Notification" events end waits early; while they flow,
            // polling drops to a slow safety net. Without an EventBridge rule nothing arrives and polling goes on.
            CommandEventQueueUrl = await retry.RunAsync(ct => sqs.CreateQueueAsync(SpecMapper.QueueNameOf(jobQueue) + "-command-events", new Dictionary<string, string>(), ct), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Explain(e);
        }
    }

    public InterruptionListener Interruptions(IWorkerSignals workers, TimeProvider time, ILogger logger) =>
        new(new SqsApi(clients.Sqs), InterruptionQueueUrl ?? throw new InvalidOperationException("workers not started"), new InterruptionHandler(workers, logger, Fleet), new AwsRetry(time), time, logger);

    /// <summary>Terminates instances this JobQueue's runs launched that no live worker owns (a crashed earlier run).</summary>
    public Task<IReadOnlyList<string>> CollectOrphansAsync(JobQueue jobQueue, IReadOnlySet<string> known, TimeSpan grace, TimeProvider time, ILogger logger, CancellationToken cancellationToken) =>
        GarbageCollector(jobQueue, grace, time, logger).CollectAsync(known, cancellationToken);

    /// <summary>
    /// The orphan collector for this JobQueue's instances, for <see cref="Ec2GarbageCollector.RunEveryAsync"/>
    /// on the operator's timer (pass the grace period, 10 minutes by default, that a launch needs to be recorded).
    /// </summary>
    public Ec2GarbageCollector GarbageCollector(JobQueue jobQueue, TimeSpan grace, TimeProvider time, ILogger logger) =>
        new(new Ec2Api(clients.Ec2), OwnerId(jobQueue), time, new AwsRetry(time), grace, logger);

    public CommandEventSource CommandEvents(TimeProvider time, ILogger logger) =>
        new(clients.Sqs, CommandEventQueueUrl ?? throw new InvalidOperationException("workers not started"), Runner!, time, logger);

    /// <summary>Instances someone else launched with the pool's adoption tag and this queue's name; null when the pool adopts nothing.</summary>
    public AdoptionScanner? Adoption(WorkerPool pool, TimeProvider time) =>
        pool.Spec.AdoptionTagKey is { } key ? new AdoptionScanner(new Ec2Api(clients.Ec2), key, time, new AwsRetry(time)) : null;

    public WorkerLoopPorts Ports() => new(Queue, Ledger, Runner ?? throw new InvalidOperationException("workers not started"), Fleet!);

    public ValueTask DisposeAsync()
    {
        Fleet?.Dispose();
        if (ownsClients)
        {
            clients.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task EnsureBucketAsync(string bucket, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await clients.S3.GetBucketLocationAsync(bucket, cancellationToken);
        }
        catch (AmazonS3Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            logger.LogInformation("Creating the ingest bucket {Bucket}", bucket);
            await clients.S3.PutBucketAsync(bucket, cancellationToken);
        }
    }

    /// <summary>AWS problems at start-up become one clear line that says what to do.</summary>
    private static Exception Explain(Exception e)
    {
        if (e is AwsSetupException)
        {
            return e;
        }

        var kind = AwsErrorClassifier.Classify(e);
        var (reason, message) = AwsErrorClassifier.ToReasonMessage(e);
        var hint = kind switch
        {
            AwsErrorKind.Unauthorized => "check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...) and that they allow what the IAM policy in the README lists",
            AwsErrorKind.Throttled when e is HttpRequestException => "AWS could not be reached: check the network, AWS_REGION and AWS_ENDPOINT_URL",
            AwsErrorKind.NotFound => "a resource the manifest names does not exist: check the queue URL, table and bucket names",
            _ => "see the message; fix the manifest or the AWS setup and run again",
        };
        return e is SqsSetupException or Ec2FleetException or ArgumentException
            ? new AwsSetupException(e.Message, e)
            : new AwsSetupException($"AWS setup failed ({reason}): {message}. What to do: {hint}.", e);
    }
}
