using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Aws.Errors;
using Shoal.Aws.Sdk;
using Shoal.Core.Ports;

namespace Shoal.Aws.Commands;

/// <summary>
/// Runs a job's commands on an EC2 worker with SSM Run Command. One command per attempt, sent to the
/// worker's instance id only. What the seed got wrong and this does instead:
/// <list type="bullet">
/// <item>an API error is never read as success: it is thrown (the engine retries polls and gives a
/// command up as lost after its LostCommandTimeout) or mapped to an infrastructure outcome;</item>
/// <item>an agent that has not registered yet (InvalidInstanceId) is waited for, up to a readiness
/// deadline per worker, instead of burning the job's retries;</item>
/// <item>the job's timeout (or a 12-hour default) is passed as executionTimeout, not left at 1 hour;</item>
/// <item>the success string is checked against the full stdout from S3, not the first 24,000 characters.</item>
/// </list>
/// </summary>
public sealed class SsmCommandRunner : ICommandRunner
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private readonly ISsmApi ssm;
    private readonly IOutputStore outputs;
    private readonly SsmCommandRunnerOptions options;
    private readonly TimeProvider time;
    private readonly AwsRetry retry;
    private readonly ILogger logger;
    private readonly Random random;
    private readonly S3Location? defaultOutput;
    private readonly ConcurrentDictionary<string, SsmCommand> commands = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> notReadySince = new(StringComparer.Ordinal);
    private volatile bool eventsFlowing;

    public SsmCommandRunner(
        ISsmApi ssm,
        IOutputStore outputs,
        SsmCommandRunnerOptions options,
        TimeProvider time,
        AwsRetry? retry = null,
        ILogger? logger = null,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(ssm);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        this.ssm = ssm;
        this.outputs = outputs;
        this.options = options;
        this.time = time;
        this.retry = retry ?? new AwsRetry(time);
        this.logger = logger ?? NullLogger.Instance;
        this.random = random ?? Random.Shared;
        defaultOutput = options.OutputBucket is { } bucket ? new S3Location(bucket, options.OutputKeyPrefix ?? "") : null;
        if (defaultOutput is null)
        {
            this.logger.LogWarning(
                "SSM command runner has no output bucket: success strings can only be checked against the first {Limit} characters of stdout that SSM returns inline, and an attempt whose string is not in them ends as OutputUnreadable",
                SsmInlineOutput.Limit);
        }
    }

    public static SsmCommandRunner Create(AwsClients clients, SsmCommandRunnerOptions options, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new SsmCommandRunner(new AwsSsmApi(clients.Ssm, clients.SsmSend), new S3OutputStore(clients.S3), options, time, logger: logger);
    }

    public async Task<CommandHandle> StartAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var output = OutputFor(request);
        var send = new SsmSendCommandRequest
        {
            InstanceId = request.WorkerId,
            DocumentName = request.Document,
            Parameters = Parameters(request),
            Comment = SsmComment.Render(request.JobId, request.Attempt),
            DeliveryTimeoutSeconds = (int)Math.Ceiling(options.DeliveryTimeout.TotalSeconds),
            OutputS3BucketName = output?.Bucket,
            OutputS3KeyPrefix = output is { Prefix.Length: > 0 } ? output.Prefix : null,
            CloudWatchOutputEnabled = options.CloudWatchOutputEnabled,
        };

        var commandId = await SendWhenAgentReadyAsync(send, request, cancellationToken);

        // A worker runs one command at a time: whatever this runner remembers about its previous one
        // is done with.
        foreach (var previous in commands.Values.Where(c => c.Handle.WorkerId == request.WorkerId))
        {
            commands.TryRemove(previous.Handle.CommandId, out _);
        }

        var handle = new CommandHandle(request.WorkerId, commandId);
        commands[commandId] = new SsmCommand(handle, request.Document, output, time.GetUtcNow());
        logger.LogDebug("Job {JobId} attempt {Attempt}: SSM command {CommandId} sent to {Worker}", request.JobId, request.Attempt, commandId, request.WorkerId);
        return handle;
    }

    /// <summary>
    /// Waits first (up to <paramref name="maxWait"/>), then asks SSM once and returns what it says. The
    /// engine's poll schedule sets maxWait, so without events this costs one GetCommandInvocation per
    /// call and the status returned is fresh. Waiting first also lets a status-change event
    /// (<see cref="CommandEventSource"/>) end the wait early. While events arrive, a wait that no event
    /// ended asks SSM only every <see cref="SsmCommandRunnerOptions.PollIntervalWithEvents"/> from the
    /// send (a safety net for a lost event), so a command that ends within that costs one
    /// GetCommandInvocation in all: the one its event triggers, for the exit code and output.
    /// </summary>
    public async Task<CommandStatus> WaitAsync(CommandHandle handle, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var command = Remember(handle);
        if (maxWait > TimeSpan.Zero && !command.Ended.Task.IsCompleted)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(command.Ended.Task, Task.Delay(maxWait, time, wait.Token));
            await wait.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }

        var woken = command.Ended.Task.IsCompleted;
        var now = time.GetUtcNow();
        var events = eventsFlowing;
        if (events && !woken && now - (command.LastPolled ?? command.SentAt) < options.PollIntervalWithEvents)
        {
            return new CommandStatus(CommandState.Running, Detail: "waiting for SSM's status-change event");
        }

        command.LastPolled = now;
        SsmInvocation invocation;
        try
        {
            invocation = await retry.RunAsync(ct => ssm.GetCommandInvocationAsync(handle.CommandId, handle.WorkerId, ct), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            var age = time.GetUtcNow() - command.SentAt;
            var (_, message) = AwsErrorClassifier.ToReasonMessage(e);
            if (age < options.InvocationVisibilityGrace)
            {
                // GetCommandInvocation lags SendCommand (eventual consistency): not visible yet is not gone.
                return new CommandStatus(CommandState.Running, Detail: $"SSM does not show the invocation yet ({message})");
            }

            return new CommandStatus(CommandState.WorkerLost,
                Detail: $"SSM has no invocation of command {handle.CommandId} on {handle.WorkerId} {Seconds(age)} after it was sent ({message}): the instance is gone or no longer managed by SSM");
        }

        command.Last = invocation;
        command.Document ??= invocation.DocumentName;
        var status = SsmStatusMapper.Map(invocation, options.OutputTailChars);
        if (events && !woken && status.IsTerminal && !command.Ended.Task.IsCompleted)
        {
            // The safety net caught an end that no event announced: the rule is gone, or events are being
            // lost. Poll on the engine's schedule again until the next event shows they flow.
            eventsFlowing = false;
            logger.LogWarning(
                "SSM command {CommandId} on {Worker} ended ({Status}) without a status-change event; polling on the engine's schedule until events arrive again. Check the EventBridge rule that feeds the command-events queue",
                handle.CommandId, handle.WorkerId, invocation.StatusText);
        }

        return status;
    }

    /// <summary>
    /// Looks the attempt's command up by its comment (job id and attempt, <see cref="SsmComment"/>) and
    /// document with ListCommands on the worker. ListCommands is eventually consistent, so a command sent
    /// a moment ago may not show yet; one sent before a host restart does. When there are several (a
    /// re-send that did double up), the first is kept and the others are cancelled.
    /// </summary>
    public async Task<CommandHandle?> FindAsync(CommandRequest request, DateTimeOffset sentAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var commandId = await FindSentAsync(request, sentAfter, cancellationToken);
        if (commandId is null)
        {
            return null;
        }

        var handle = new CommandHandle(request.WorkerId, commandId);
        commands.GetOrAdd(commandId, _ => new SsmCommand(handle, request.Document, OutputFor(request), time.GetUtcNow()));
        return handle;
    }

    public async Task<TextReader> OpenOutputAsync(CommandHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var command = Remember(handle);
        var invocation = command.Last ?? await retry.RunAsync(ct => ssm.GetCommandInvocationAsync(handle.CommandId, handle.WorkerId, ct), cancellationToken);
        command.Last = invocation;
        command.Document ??= invocation.DocumentName;
        var inline = invocation.StandardOutputContent;
        var inlineComplete = SsmInlineOutput.IsComplete(inline);

        if (command.Output is not { } location)
        {
            if (!inlineComplete)
            {
                logger.LogWarning(
                    "Command {CommandId} on {Worker}: stdout is longer than the {Limit} characters SSM returns inline and no output bucket is configured; a success string beyond them cannot be confirmed",
                    handle.CommandId, handle.WorkerId, SsmInlineOutput.Limit);
            }

            return new InlineOutputReader(inline, inlineComplete ? null : TruncatedMessage(command, "no output bucket is configured (set one so the full output is uploaded to S3)"));
        }

        // The agent uploads after the invocation reports its end, so the object can lag a little. It
        // uploads nothing for an empty stdout, which the (then complete) inline copy already shows:
        // one look, no waiting.
        var deadline = time.GetUtcNow() + (inline.Length == 0 ? TimeSpan.Zero : options.OutputUploadGrace);
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            if (await TryOpenFromS3Async(command, location, cancellationToken) is { } reader)
            {
                return reader;
            }

            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(delay < left ? delay : left, time, cancellationToken);
            delay *= 2;
        }

        if (inlineComplete)
        {
            // A complete inline copy is the output, wherever the upload went.
            if (inline.Length > 0)
            {
                logger.LogWarning(
                    "Command {CommandId} on {Worker}: no stdout in {Location} after {Grace}; using SSM's inline copy, which is complete. Check that instances may s3:PutObject there, or long outputs will not be verifiable",
                    handle.CommandId, handle.WorkerId, location, options.OutputUploadGrace);
            }

            return new InlineOutputReader(inline, null);
        }

        throw new IOException(TruncatedMessage(command,
            $"its full stdout is not in {location} {Seconds(options.OutputUploadGrace)} after the command ended (check that the instance profile may s3:PutObject into bucket {location.Bucket})"));
    }

    /// <summary>
    /// Best effort: the engine cancels on a drain deadline, a lost lease or its own timeout and moves on
    /// regardless; the command's executionTimeout is the backstop. Errors meaning "nothing to cancel"
    /// or "cannot right now" are logged, not thrown; permission errors are thrown, as a person must act.
    /// </summary>
    public async Task CancelAsync(CommandHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        try
        {
            await retry.RunAsync(ct => ssm.CancelCommandAsync(handle.CommandId, handle.WorkerId, ct), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException
            && AwsErrorClassifier.Classify(e) is AwsErrorKind.Throttled or AwsErrorKind.NotFound or AwsErrorKind.Invalid)
        {
            var (reason, message) = AwsErrorClassifier.ToReasonMessage(e);
            logger.LogWarning("Could not cancel SSM command {CommandId} on {Worker} ({Reason}: {Message}); its executionTimeout still bounds it",
                handle.CommandId, handle.WorkerId, reason, message);
        }
    }

    /// <summary>
    /// An SSM status-change event for an invocation. A hint, never the verdict: a terminal one wakes the
    /// command's wait, which then asks GetCommandInvocation for the status, exit code and output.
    /// </summary>
    internal void OnStatusChanged(string commandId, string instanceId, string status)
    {
        eventsFlowing = true;
        var terminal = AwsSsmApi.ParseStatus(status) is not (SsmInvocationStatus.Pending or SsmInvocationStatus.InProgress or SsmInvocationStatus.Delayed);
        if (terminal && commands.TryGetValue(commandId, out var command) && command.Handle.WorkerId == instanceId)
        {
            command.Ended.TrySetResult();
        }
    }

    /// <summary>Events stopped (the queue cannot be read, or the source stopped): poll on the engine's schedule again.</summary>
    internal void OnEventsStopped() => eventsFlowing = false;

    /// <summary>Drops what the runner remembers about a finished command.</summary>
    public void Forget(CommandHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        commands.TryRemove(handle.CommandId, out _);
    }

    /// <summary>
    /// SendCommand has no idempotency token. After a failure that may hide a success (a timeout, a 5xx)
    /// the command is looked up by its comment before it is sent again, and once more before giving up,
    /// so a lost answer does not start the attempt twice on the worker. The SDK client for SendCommand
    /// must not retry on its own (<see cref="Sdk.AwsClients.SsmSend"/>). What remains: ListCommands lags
    /// SendCommand by a moment, so a lookup right after a lost answer can miss the command; the engine's
    /// lease still keeps every other worker off the job.
    /// </summary>
    private async Task<string> SendWhenAgentReadyAsync(SsmSendCommandRequest send, CommandRequest request, CancellationToken cancellationToken)
    {
        var worker = send.InstanceId;
        var jobId = request.JobId;
        var firstSent = time.GetUtcNow();
        var uncertain = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var commandId = await retry.RunAsync(async ct =>
                {
                    if (uncertain && await FindSentAsync(request, firstSent, ct) is { } sent)
                    {
                        logger.LogWarning("SendCommand to {Worker} for job {JobId} failed without an answer, but SSM has its command {CommandId}: using it instead of sending again", worker, jobId, sent);
                        return sent;
                    }

                    try
                    {
                        return await ssm.SendCommandAsync(send, ct);
                    }
                    catch (Exception e) when (AwsErrorClassifier.MayHaveSucceeded(e))
                    {
                        uncertain = true;
                        throw;
                    }
                }, cancellationToken);
                notReadySince.TryRemove(worker, out _);
                return commandId;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (uncertain && await LastLookAsync(request, firstSent, cancellationToken) is { } late)
                {
                    notReadySince.TryRemove(worker, out _);
                    return late;
                }

                var (_, message) = AwsErrorClassifier.ToReasonMessage(e);
                switch (AwsErrorClassifier.Classify(e))
                {
                    case AwsErrorKind.NotFound:
                        // InvalidInstanceId: the agent has not registered with SSM yet (or the instance
                        // is gone). Wait for it here, without spending the job's budget, until the
                        // worker's deadline; after that every send fails fast, the engine requeues the
                        // job and retires the worker after a few such failures, and a new one replaces it.
                        var now = time.GetUtcNow();
                        var waited = now - notReadySince.GetOrAdd(worker, now);
                        if (waited >= options.ReadinessTimeout)
                        {
                            throw new InfrastructureException("AgentNotReady",
                                $"the SSM agent on {worker} has not registered for {Seconds(waited)} (SendCommand: {message}); the worker will be replaced. " +
                                "Check that its instance profile has AmazonSSMManagedInstanceCore, its AMI runs the SSM agent, and its subnet reaches the SSM endpoints", e);
                        }

                        var delay = ReadinessDelay(attempt);
                        var left = options.ReadinessTimeout - waited;
                        logger.LogDebug("SSM agent on {Worker} not registered yet ({Message}); retrying in {Delay}", worker, message, delay);
                        await Task.Delay(delay < left ? delay : left, time, cancellationToken);
                        break;

                    case AwsErrorKind.Unauthorized:
                        throw new InfrastructureException("Undeliverable",
                            $"SSM refused SendCommand of {send.DocumentName} to {worker} ({message}): the operator's role needs ssm:SendCommand on the document and the instance", e);

                    case AwsErrorKind.Invalid:
                        // The document does not exist, or does not take these parameters: the job's
                        // fault, yet it is reported as Undeliverable (an infrastructure outcome, which
                        // spends no retries and fails the job after the infrastructure cap). Core has no
                        // "rejected" outcome; the alternatives were worse: Completed would need an
                        // invented exit code, and a handle for a command that SSM never created would put
                        // a command id into the job table that nobody can look up.
                        throw new InfrastructureException("Undeliverable",
                            $"SSM rejected the command for job {jobId} ({message}): check that the job's ssm_document \"{send.DocumentName}\" exists in this account and region " +
                            $"and takes the parameters {string.Join(", ", send.Parameters.Keys)}", e);

                    default:
                        // Still throttled after retries, or an error we do not know: not started. The
                        // engine requeues the job without spending its budget.
                        throw;
                }
            }
        }
    }

    private async Task<string?> FindSentAsync(CommandRequest request, DateTimeOffset sentAfter, CancellationToken cancellationToken)
    {
        var comment = SsmComment.Render(request.JobId, request.Attempt);

        // The filter compares SSM's clock with ours: a margin for skew costs at most a longer page.
        var listed = await retry.RunAsync(ct => ssm.ListCommandsAsync(request.WorkerId, sentAfter - ClockSkew, ct), cancellationToken);
        var matches = listed
            .Where(c => c.Comment == comment && string.Equals(c.DocumentName, request.Document, StringComparison.Ordinal) && c.CommandId.Length > 0)
            .OrderBy(c => c.RequestedAt ?? DateTimeOffset.MaxValue)
            .ToList();
        if (matches.Count == 0)
        {
            return null;
        }

        foreach (var extra in matches.Skip(1))
        {
            logger.LogWarning("Job {JobId} attempt {Attempt} has a second SSM command {CommandId} on {Worker} (a re-sent SendCommand); cancelling it and keeping {First}",
                request.JobId, request.Attempt, extra.CommandId, request.WorkerId, matches[0].CommandId);
            await CancelAsync(new CommandHandle(request.WorkerId, extra.CommandId), cancellationToken);
        }

        return matches[0].CommandId;
    }

    private async Task<string?> LastLookAsync(CommandRequest request, DateTimeOffset firstSent, CancellationToken cancellationToken)
    {
        try
        {
            return await FindSentAsync(request, firstSent, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var (reason, message) = AwsErrorClassifier.ToReasonMessage(e);
            logger.LogWarning("Job {JobId}: SendCommand to {Worker} may have gone through, and looking it up failed too ({Reason}: {Message}); reporting it as not started",
                request.JobId, request.WorkerId, reason, message);
            return null;
        }
    }

    private Dictionary<string, IReadOnlyList<string>> Parameters(CommandRequest request)
    {
        var powerShell = request.Document.Contains("PowerShell", StringComparison.OrdinalIgnoreCase);

        // The job's own variables first, then Shoal's, as the local runner does: a job cannot spoof them.
        var variables = request.Env.Concat(new Dictionary<string, string>
        {
            ["SHOAL_JOB_ID"] = request.JobId,
            ["SHOAL_ATTEMPT"] = request.Attempt.ToString(CultureInfo.InvariantCulture),
            ["SHOAL_WORKER_ID"] = request.WorkerId,
        });

        var timeout = request.Timeout ?? options.DefaultExecutionTimeout;
        if (timeout > SsmCommandRunnerOptions.MaxExecutionTimeout)
        {
            logger.LogWarning("Job {JobId} asks for {Timeout}; SSM stops a command after at most 48 hours", request.JobId, timeout);
            timeout = SsmCommandRunnerOptions.MaxExecutionTimeout;
        }

        var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["commands"] = [.. EnvironmentPreamble.Lines(variables, powerShell), .. request.Commands],
            ["executionTimeout"] = [Math.Max(1, (long)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture)],
        };
        if (!string.IsNullOrWhiteSpace(request.WorkingDirectory))
        {
            parameters["workingDirectory"] = [request.WorkingDirectory];
        }

        return parameters;
    }

    private S3Location? OutputFor(CommandRequest request)
    {
        if (request.OutputS3Prefix is not { } requested)
        {
            return defaultOutput;
        }

        if (S3Location.TryParse(requested) is { } location)
        {
            return location;
        }

        // A bare prefix is a folder in the configured bucket.
        if (defaultOutput is not null && !requested.Contains("://", StringComparison.Ordinal))
        {
            return defaultOutput with { Prefix = SsmOutputKeys.Join(defaultOutput.Prefix, requested) };
        }

        logger.LogWarning("Job {JobId}: output_s3_prefix \"{Prefix}\" is not an s3://bucket/prefix location and there is no output bucket to put it in; using {Default}",
            request.JobId, requested, defaultOutput?.ToString() ?? "inline output only");
        return defaultOutput;
    }

    private async Task<TextReader?> TryOpenFromS3Async(SsmCommand command, S3Location location, CancellationToken cancellationToken)
    {
        var (commandId, instanceId) = (command.Handle.CommandId, command.Handle.WorkerId);
        var key = command.Document is { } document ? SsmOutputKeys.StdoutKey(location.Prefix, commandId, instanceId, document) : null;
        var keys = key is not null
            ? [key]
            : (await retry.RunAsync(ct => outputs.ListKeysAsync(location.Bucket, SsmOutputKeys.InvocationFolder(location.Prefix, commandId, instanceId), ct), cancellationToken))
                .Where(k => k.EndsWith("/stdout", StringComparison.Ordinal))
                .ToList();
        if (keys.Count == 0)
        {
            return null;
        }

        var readers = new List<TextReader>();
        try
        {
            foreach (var part in keys)
            {
                var stream = await retry.RunAsync(ct => outputs.OpenReadAsync(location.Bucket, part, ct), cancellationToken);
                if (stream is null)
                {
                    readers.ForEach(r => r.Dispose());
                    return null;
                }

                readers.Add(new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false));
            }
        }
        catch
        {
            readers.ForEach(r => r.Dispose());
            throw;
        }

        return readers.Count == 1 ? readers[0] : new ConcatenatedReader(readers);
    }

    private SsmCommand Remember(CommandHandle handle) =>
        // A handle this process did not create (a restarted host resuming a command): start the
        // visibility grace now, learn the document from the first invocation, and look for the output
        // in the configured location (a job's own output_s3_prefix is not known here).
        commands.GetOrAdd(handle.CommandId, _ => new SsmCommand(handle, null, defaultOutput, time.GetUtcNow()));

    private TimeSpan ReadinessDelay(int attempt)
    {
        var ceiling = options.ReadinessRetryFirst * Math.Pow(2, Math.Min(attempt - 1, 20));
        if (ceiling > options.ReadinessRetryMax)
        {
            ceiling = options.ReadinessRetryMax;
        }

        // Between half and all of the ceiling: workers launched together do not retry in lockstep.
        double fraction;
        lock (random)
        {
            fraction = 0.5 + (random.NextDouble() / 2);
        }

        return ceiling * fraction;
    }

    private static string TruncatedMessage(SsmCommand command, string why) =>
        $"stdout of command {command.Handle.CommandId} on {command.Handle.WorkerId} is longer than the {SsmInlineOutput.Limit} characters SSM returns inline, and {why}";

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";
}
