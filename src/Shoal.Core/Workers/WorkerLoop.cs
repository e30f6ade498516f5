using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Scaling;

namespace Shoal.Core.Workers;

/// <summary>
/// One worker's scheduler: the seed's Step Functions workflow, fixed. Wait until the agent is ready,
/// then loop: receive → claim in the ledger (conditional, leased) → start → wait and heartbeat →
/// verify → record the outcome → only then delete or release the message. Retire when idle, drained,
/// or broken. Every wait goes through the ports or the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class WorkerLoop
{
    private static readonly TimeSpan MaxRelease = TimeSpan.FromHours(11);

    private readonly IJobQueue queue;
    private readonly IJobLedger ledger;
    private readonly ICommandRunner runner;
    private readonly IWorkerFleet fleet;
    private readonly QueueSettings queueSettings;
    private readonly PoolSettings pool;
    private readonly WorkerLoopOptions options;
    private readonly TimeProvider time;
    private readonly IEngineObserver observer;
    private readonly IRetirementGate gate;
    private readonly ILogger logger;
    private readonly CancellationTokenSource drain = new();
    private readonly CancellationTokenSource interrupt = new();
    private string? drainReason;
    private string? interruptReason;
    private int consecutiveInfrastructureFailures;
    private int consecutiveErrors;
    private JobRecord? resume;

    public WorkerLoop(
        string workerId,
        WorkerLoopPorts ports,
        QueueSettings queueSettings,
        PoolSettings pool,
        WorkerLoopOptions options,
        TimeProvider time,
        IRetirementGate gate,
        IEngineObserver? observer = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(ports);
        WorkerId = workerId;
        queue = ports.Queue;
        ledger = ports.Ledger;
        runner = ports.Runner;
        fleet = ports.Fleet;
        this.queueSettings = queueSettings;
        this.pool = pool;
        this.options = options;
        this.time = time;
        this.gate = gate;
        this.observer = observer ?? NullEngineObserver.Instance;
        this.logger = logger ?? NullLogger.Instance;
    }

    public string WorkerId { get; }

    public WorkerPhase Phase { get; private set; } = WorkerPhase.Launching;

    public string? CurrentJob { get; private set; }

    public int JobsDone { get; private set; }

    /// <summary>Finish the current job, then retire (rebalance recommendation, scale-in, shutdown of a demo).</summary>
    public void RequestDrain(string reason)
    {
        Interlocked.CompareExchange(ref drainReason, reason, null);
        drain.Cancel();
    }

    /// <summary>
    /// The worker is going away now (spot interruption warning): requeue the running job at once without
    /// spending its retry budget, then retire.
    /// </summary>
    public void Interrupt(string reason)
    {
        Interlocked.CompareExchange(ref interruptReason, reason, null);
        RequestDrain(reason);
        interrupt.Cancel();
    }

    /// <summary>
    /// After a host restart: <paramref name="running"/> is this worker's attempt in flight, as the ledger
    /// holds it. The loop re-attaches to its command by CommandId instead of running the job again. The
    /// message's receipt was lost with the old host, so the outcome goes to the ledger only; the message
    /// comes back when its visibility lapses, and the usual claim rules then drop it (terminal), leave it
    /// (still leased) or run the next attempt (retry).
    /// </summary>
    public void Resume(JobRecord running)
    {
        ArgumentNullException.ThrowIfNull(running);
        if (running.Status != JobStatus.Running || running.LeaseOwner != WorkerId)
        {
            throw new ArgumentException($"job {running.JobId} is {running.Status} held by {running.LeaseOwner ?? "nobody"}, not running on {WorkerId}", nameof(running));
        }

        resume = running;
    }

    /// <summary>
    /// Runs until the worker retires, then terminates it through the fleet. Cancelling
    /// <paramref name="cancellationToken"/> means the host is stopping: the loop returns without
    /// terminating anything, so a restarted host resumes from the ledger.
    /// </summary>
    public async Task<WorkerExit> RunAsync(CancellationToken cancellationToken)
    {
        var launchedAt = time.GetUtcNow();
        string reason;
        try
        {
            SetPhase(WorkerPhase.WaitingForAgent, null);
            reason = await WaitReadyAsync(cancellationToken) ?? await ResumeThenLoopAsync(launchedAt, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new WorkerExit(WorkerId, "HostStopping", JobsDone);
        }

        SetPhase(WorkerPhase.Draining, reason);
        SetPhase(WorkerPhase.Terminating, reason);
        await TerminateAsync(reason, cancellationToken);
        SetPhase(WorkerPhase.Terminated, reason);
        return new WorkerExit(WorkerId, reason, JobsDone);
    }

    /// <summary>Null when ready; else why the worker is given up.</summary>
    private async Task<string?> WaitReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.ReadinessTimeout;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, drain.Token);
        while (true)
        {
            WorkerInfo? info;
            try
            {
                info = await fleet.DescribeAsync(WorkerId, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A throttled or failing describe is not an answer: ending the loop here would forget a
                // live worker without terminating it. Ask again until the readiness deadline.
                observer.WorkerError(WorkerId, "describe", e);
                info = new WorkerInfo { WorkerId = WorkerId, State = WorkerState.Pending };
            }

            if (info is null || info.State is WorkerState.Terminated or WorkerState.ShuttingDown)
            {
                return "LostBeforeReady";
            }

            if (info.State == WorkerState.Running && info.Ready)
            {
                return null;
            }

            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return "NeverReady";
            }

            try
            {
                await Task.Delay(Min(options.ReadinessPoll, left), time, linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return drainReason ?? "Drained";
            }
        }
    }

    private async Task<string> ResumeThenLoopAsync(DateTimeOffset launchedAt, CancellationToken cancellationToken)
    {
        if (resume is { } running)
        {
            resume = null;
            await ResumeAttemptAsync(running, cancellationToken);
        }

        return await JobLoopAsync(launchedAt, cancellationToken);
    }

    private async Task ResumeAttemptAsync(JobRecord record, CancellationToken cancellationToken)
    {
        var parsed = JobMessageParser.Parse(record.Body ?? "", queueSettings.Defaults);
        CurrentJob = record.JobId;
        try
        {
            if (parsed.Job is not { } spec)
            {
                await EndByInfrastructureAsync(null, record, JobReasons.WorkerLost, "the host restarted and the running job's body no longer parses", time.GetUtcNow(), cancellationToken);
                return;
            }

            // The id is stored with the first renewal; before that, the runner finds the command by job and attempt.
            var commandId = record.CommandId
                ?? (await runner.FindAsync(ToRequest(spec, record), record.StartedAt ?? record.UpdatedAt, cancellationToken))?.CommandId;
            if (commandId is null)
            {
                // Nothing to re-attach to: the old host died before its command was sent, or the runner
                // cannot look commands up. Give the attempt back without spending the retry budget.
                await EndByInfrastructureAsync(null, record, JobReasons.WorkerLost, "the host restarted and the attempt's command could not be found", time.GetUtcNow(), cancellationToken);
                return;
            }

            SetPhase(WorkerPhase.Running, spec.JobId);
            logger.LogInformation("Job {JobId}: re-attaching to command {CommandId} on {Worker} after a restart", record.JobId, commandId, WorkerId);
            var started = record.StartedAt ?? time.GetUtcNow();
            await WatchAttemptAsync(null, spec, record with { CommandId = commandId }, new CommandHandle(WorkerId, commandId), started, cancellationToken);
        }
        finally
        {
            CurrentJob = null;
        }
    }

    private async Task<string> JobLoopAsync(DateTimeOffset launchedAt, CancellationToken cancellationToken)
    {
        var lastWork = time.GetUtcNow();
        while (true)
        {
            if (RetireReason(launchedAt) is { } retire)
            {
                return retire;
            }

            SetPhase(WorkerPhase.Idle, null);
            var idle = time.GetUtcNow() - lastWork;
            var wait = Min(pool.IdleTimeout - idle, options.MaxReceiveWait);
            if (idle >= pool.IdleTimeout)
            {
                // Nothing was visible for this worker for a whole idle timeout: stop paying for it,
                // unless the pool needs it to keep its minimum.
                if (gate.TryRetire(WorkerId))
                {
                    return "Idle";
                }

                // Kept for the minimum: wait for work (not spin, even with a zero idle timeout) and
                // ask again after another idle period.
                lastWork = time.GetUtcNow();
                wait = options.MaxReceiveWait;
            }

            QueueMessage? message;
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, drain.Token))
            {
                try
                {
                    var received = await queue.ReceiveAsync(1, queueSettings.LeaseDuration, wait, linked.Token);
                    message = received.Count > 0 ? received[0] : null;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    continue;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await OnErrorAsync("receive", e, cancellationToken);
                    continue;
                }
            }

            if (message is null)
            {
                continue;
            }

            try
            {
                await HandleAsync(message, cancellationToken);
                consecutiveErrors = 0;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The message stays invisible until its timeout and the lease lapses, so the job comes
                // back to some worker as an interruption: nothing is lost.
                await OnErrorAsync("handle job", e, cancellationToken);
            }
            finally
            {
                CurrentJob = null;
            }

            lastWork = time.GetUtcNow();
        }
    }

    private string? RetireReason(DateTimeOffset launchedAt)
    {
        if (Volatile.Read(ref drainReason) is { } drained)
        {
            return drained;
        }

        if (pool.MaxJobsPerWorker is { } maxJobs && JobsDone >= maxJobs)
        {
            return "MaxJobsReached";
        }

        if (pool.MaxLifetime is { } lifetime && time.GetUtcNow() - launchedAt >= lifetime)
        {
            return "MaxLifetimeReached";
        }

        if (consecutiveInfrastructureFailures >= options.MaxConsecutiveInfrastructureFailures)
        {
            return "Unhealthy";
        }

        return consecutiveErrors >= options.MaxConsecutiveErrors ? "Unhealthy" : null;
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var parsed = JobMessageParser.Parse(message.Body, queueSettings.Defaults);
        if (parsed.Job is not { } spec)
        {
            await RejectAsync(message, parsed, cancellationToken);
            return;
        }

        CurrentJob = spec.JobId;
        var (claimed, known) = await ClaimWithoutReadAsync(message, spec, cancellationToken);
        if (claimed is not null)
        {
            await RunAttemptAsync(message, spec, claimed, cancellationToken);
            return;
        }

        for (var tries = 0; tries < 3; tries++)
        {
            var existing = known is not null ? known.Stored : await ledger.GetAsync(spec.JobId, cancellationToken);
            known = null;
            var now = time.GetUtcNow();
            var decision = JobTransitions.Claim(existing, queue.Name, spec, message.Body, WorkerId, now, queueSettings.LeaseDuration, queueSettings.MaxInterruptions);
            switch (decision.Kind)
            {
                case ClaimKind.AlreadyTerminal:
                    // A duplicate delivery, or a crash after the terminal write: publish again
                    // (consumers key on job_id) and drop the message.
                    logger.LogInformation("Job {JobId} already {Status}; dropping duplicate message {MessageId}", spec.JobId, existing!.Status, message.MessageId);
                    await PublishTerminalAsync(message, existing, cancellationToken);
                    return;

                case ClaimKind.HeldByOther:
                    await queue.ReleaseAsync(message, Clamp(existing!.LeaseExpiresAt!.Value - now, TimeSpan.FromSeconds(1), MaxRelease), cancellationToken);
                    return;

                case ClaimKind.InfrastructureExhausted:
                    if (await ledger.TryWriteAsync(existing, decision.Next!, cancellationToken))
                    {
                        await queue.DeadLetterAsync(message, JobResultJson.Serialize(decision.Next!), cancellationToken);
                        observer.AttemptEnded(WorkerId, decision.Next!, AttemptOutcome.Failed, now);
                        return;
                    }

                    break;

                case ClaimKind.Claimed:
                    if (await ledger.TryWriteAsync(existing, decision.Next!, cancellationToken))
                    {
                        await RunAttemptAsync(message, spec, decision.Next!, cancellationToken);
                        return;
                    }

                    break;
            }
        }

        // Lost three races for the same record: someone else is busy with it; look again later.
        await queue.ReleaseAsync(message, TimeSpan.FromSeconds(1), cancellationToken);
    }

    /// <summary>
    /// A first delivery finds the job QUEUED at version 1 if its sender registers jobs, and no record if
    /// not (`aws sqs send-message`): a ledger that checks that in its write claims it in one request
    /// instead of a read and a write. Not claimed: what the ledger says is stored, so no read is wasted.
    /// </summary>
    private async Task<(JobRecord? Claimed, AssumedWrite? Known)> ClaimWithoutReadAsync(QueueMessage message, JobSpec spec, CancellationToken cancellationToken)
    {
        if (ledger is not IAssumingJobLedger assuming || message.ReceiveCount > 1)
        {
            return (null, null);
        }

        // The creation time is the one thing not known here; the ledger keeps the stored one.
        var assumed = message.SenderRegisters ? JobTransitions.Registered(queue.Name, spec, message.Body, message.SentAt) : null;
        var claim = JobTransitions.Claim(assumed, queue.Name, spec, message.Body, WorkerId, time.GetUtcNow(), queueSettings.LeaseDuration, queueSettings.MaxInterruptions).Next!;
        var write = await assuming.TryWriteAssumingAsync(assumed, claim, cancellationToken);
        return write.Written ? (claim, null) : (null, write);
    }

    private async Task RejectAsync(QueueMessage message, JobParseResult parsed, CancellationToken cancellationToken)
    {
        // Record a poison message under the submitter's id if that id is free; never overwrite a real job.
        var existing = parsed.JobId is null ? null : await ledger.GetAsync(parsed.JobId, cancellationToken);
        if (existing is { Reason: JobReasons.InvalidJob } && existing.Body == message.Body)
        {
            // This very message was recorded before and its delete failed: it has its one terminal record.
            await queue.DeadLetterAsync(message, JobResultJson.Serialize(existing), cancellationToken);
            return;
        }

        var jobId = parsed.JobId is not null && existing is null ? parsed.JobId : $"invalid-{message.MessageId}";
        var prior = jobId == parsed.JobId ? null : await ledger.GetAsync(jobId, cancellationToken);
        if (prior is { IsTerminal: true })
        {
            await queue.DeadLetterAsync(message, JobResultJson.Serialize(prior), cancellationToken);
            return;
        }

        var record = JobTransitions.Invalid(prior, queue.Name, jobId, message.Body, parsed.ErrorText, time.GetUtcNow());
        if (await ledger.TryWriteAsync(prior, record, cancellationToken))
        {
            logger.LogWarning("Message {MessageId} is not a valid job ({Errors}); recorded as {JobId} and dead-lettered", message.MessageId, parsed.ErrorText, jobId);
            await queue.DeadLetterAsync(message, JobResultJson.Serialize(record), cancellationToken);
            observer.JobRejected(WorkerId, record);
        }
    }

    private async Task RunAttemptAsync(QueueMessage message, JobSpec spec, JobRecord record, CancellationToken cancellationToken)
    {
        SetPhase(WorkerPhase.Running, spec.JobId);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interrupt.Token);
        CommandHandle handle;
        try
        {
            handle = await runner.StartAsync(ToRequest(spec, record), attempt.Token);
        }
        catch (InfrastructureException e)
        {
            await EndByInfrastructureAsync(message, record, e.Reason, e.Message, time.GetUtcNow(), cancellationToken);
            return;
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await EndByInfrastructureAsync(message, record, JobReasons.Interrupted, interruptReason ?? "worker interrupted", time.GetUtcNow(), cancellationToken);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An error from the API is never taken for anything but "not started".
            await EndByInfrastructureAsync(message, record, JobReasons.Undeliverable, $"could not start the command: {e.Message}", time.GetUtcNow(), cancellationToken);
            return;
        }

        var started = time.GetUtcNow();
        if (options.WriteCommandIdAtStart)
        {
            var withCommand = JobTransitions.Renewed(record, started, queueSettings.LeaseDuration, handle.CommandId);
            if (!await ledger.TryWriteAsync(record, withCommand, cancellationToken))
            {
                await LoseLeaseAsync(handle, record);
                return;
            }

            record = withCommand;
        }
        else
        {
            // Stored with the first lease renewal or the outcome, whichever comes first (writes compare
            // versions, not contents); until then the runner finds the command by job and attempt.
            record = record with { CommandId = handle.CommandId };
        }

        observer.AttemptStarted(WorkerId, record, started);
        await WatchAttemptAsync(message, spec, record, handle, started, cancellationToken);
    }

    /// <summary>
    /// Waits for the attempt's command with heartbeats, then verifies and records the outcome. A null
    /// <paramref name="message"/> means a resumed attempt: the queue is left alone (see <see cref="Resume"/>).
    /// </summary>
    private async Task WatchAttemptAsync(QueueMessage? message, JobSpec spec, JobRecord record, CommandHandle handle, DateTimeOffset started, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interrupt.Token);
        var timeout = spec.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var heartbeatEvery = TimeSpan.FromTicks(queueSettings.LeaseDuration.Ticks / 3);
        var nextHeartbeat = started + heartbeatEvery;
        var lastSeen = started;
        CommandStatus status;
        while (true)
        {
            var now = time.GetUtcNow();
            var wait = Min(options.Poll.Next(now - started), nextHeartbeat - now);
            try
            {
                status = await runner.WaitAsync(handle, wait < TimeSpan.Zero ? TimeSpan.Zero : wait, attempt.Token);
                lastSeen = time.GetUtcNow();
            }
            catch (OperationCanceledException) when (interrupt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await CancelQuietlyAsync(handle);
                await EndByInfrastructureAsync(message, record, JobReasons.Interrupted, interruptReason ?? "worker interrupted", time.GetUtcNow(), cancellationToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                observer.WorkerError(WorkerId, "poll", e);
                logger.LogWarning(e, "Polling job {JobId} on {Worker} failed", spec.JobId, WorkerId);
                if (time.GetUtcNow() - lastSeen >= options.LostCommandTimeout)
                {
                    await CancelQuietlyAsync(handle);
                    await EndByInfrastructureAsync(message, record, JobReasons.WorkerLost, $"the command could not be observed for {options.LostCommandTimeout}: {e.Message}", time.GetUtcNow(), cancellationToken);
                    return;
                }

                await DelayAsync(options.Poll.First, attempt.Token, cancellationToken);

                // Not observed, so presumed still running: keep the lease (and the timeout check) going.
                status = new CommandStatus(CommandState.Running);
            }

            if (status.IsTerminal)
            {
                break;
            }

            now = time.GetUtcNow();
            if (timeout is { } limit && now - started > limit + options.TimeoutGrace)
            {
                await CancelQuietlyAsync(handle);
                status = new CommandStatus(CommandState.TimedOut, Detail: $"cancelled by Shoal after {limit.TotalSeconds:0} s (timeout_seconds)");
                break;
            }

            if (now >= nextHeartbeat)
            {
                var renewed = JobTransitions.Renewed(record, now, queueSettings.LeaseDuration);
                try
                {
                    if (!await ledger.TryWriteAsync(record, renewed, cancellationToken))
                    {
                        await LoseLeaseAsync(handle, record);
                        return;
                    }

                    record = renewed;
                    if (message is not null)
                    {
                        await queue.ExtendAsync(message, queueSettings.LeaseDuration, cancellationToken);
                    }

                    nextHeartbeat = now + heartbeatEvery;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Leaving here would orphan a running command while this worker takes new jobs; the
                    // lease still has two thirds to run, so try again soon.
                    observer.WorkerError(WorkerId, "heartbeat", e);
                    logger.LogWarning(e, "Heartbeat of job {JobId} on {Worker} failed; retrying", spec.JobId, WorkerId);
                    nextHeartbeat = now + options.ErrorBackoff;
                }
            }
        }

        var endedAt = time.GetUtcNow();
        var verdict = await VerifyAsync(spec, handle, status, cancellationToken);
        switch (verdict.Kind)
        {
            case VerdictKind.Success:
                await EndAsync(message, record, JobTransitions.Succeeded(record, status.ExitCode, status.OutputTail, time.GetUtcNow()), AttemptOutcome.Succeeded, endedAt, cancellationToken);
                consecutiveInfrastructureFailures = 0;
                break;

            case VerdictKind.JobFailure:
                var failed = JobTransitions.Failed(record, verdict.Reason, verdict.Message, status.ExitCode, status.OutputTail, time.GetUtcNow());
                await EndAsync(message, record, failed, failed.IsTerminal ? AttemptOutcome.Failed : AttemptOutcome.Retrying, endedAt, cancellationToken);
                consecutiveInfrastructureFailures = 0;
                break;

            default:
                await EndByInfrastructureAsync(message, record, verdict.Reason, verdict.Message, endedAt, cancellationToken);
                if (status.State is CommandState.Interrupted or CommandState.WorkerLost)
                {
                    RequestDrain(status.State == CommandState.Interrupted ? "Reclaimed" : "Lost");
                }

                break;
        }
    }

    private async Task<Verdict> VerifyAsync(JobSpec spec, CommandHandle handle, CommandStatus status, CancellationToken cancellationToken)
    {
        switch (status.State)
        {
            case CommandState.Completed when status.ExitCode is null:
                return Verdict.Infrastructure(JobReasons.WorkerLost, "the command finished without an exit code");
            case CommandState.Completed when !spec.SuccessExitCodes.Contains(status.ExitCode!.Value):
                return Verdict.JobFailure(JobReasons.NonZeroExit, $"exit code {status.ExitCode} (success: {string.Join(", ", spec.SuccessExitCodes)})");
            case CommandState.Completed when spec.SuccessString is { } expected:
                try
                {
                    using var output = await runner.OpenOutputAsync(handle, cancellationToken);
                    return await OutputSearch.ContainsAsync(output, expected, cancellationToken)
                        ? Verdict.Success
                        : Verdict.JobFailure(JobReasons.SuccessStringNotFound, $"\"{expected}\" does not occur in the standard output");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return Verdict.Infrastructure(JobReasons.OutputUnreadable, $"could not read the full output to look for \"{expected}\": {e.Message}");
                }

            case CommandState.Completed:
                return Verdict.Success;
            case CommandState.TimedOut:
                return Verdict.JobFailure(JobReasons.TimedOut, status.Detail ?? $"timed out after {spec.TimeoutSeconds} s");
            case CommandState.Cancelled:
                return Verdict.JobFailure(JobReasons.Cancelled, status.Detail ?? "the command was cancelled");
            case CommandState.Interrupted:
                return Verdict.Infrastructure(JobReasons.Interrupted, status.Detail ?? "the worker was reclaimed");
            case CommandState.Undeliverable:
                return Verdict.Infrastructure(JobReasons.Undeliverable, status.Detail ?? "the command could not be delivered");
            default:
                return Verdict.Infrastructure(JobReasons.WorkerLost, status.Detail ?? "the worker was lost");
        }
    }

    private async Task EndAsync(QueueMessage? message, JobRecord current, JobRecord next, AttemptOutcome outcome, DateTimeOffset endedAt, CancellationToken cancellationToken)
    {
        if (!await ledger.TryWriteAsync(current, next, cancellationToken))
        {
            logger.LogWarning("Job {JobId}: lease lost before its outcome could be recorded; the current holder decides", current.JobId);
            return;
        }

        JobsDone++;
        if (message is null)
        {
            // Resumed: the redelivered message publishes the terminal record, or carries the retry.
        }
        else if (next.IsTerminal)
        {
            await PublishTerminalAsync(message, next, cancellationToken);
        }
        else
        {
            await queue.ReleaseAsync(message, RetryDelay(next.Failures), cancellationToken);
        }

        observer.AttemptEnded(WorkerId, next, outcome, endedAt);
    }

    private async Task EndByInfrastructureAsync(QueueMessage? message, JobRecord current, string reason, string detail, DateTimeOffset endedAt, CancellationToken cancellationToken)
    {
        consecutiveInfrastructureFailures++;
        var next = JobTransitions.Interrupted(current, reason, detail, queueSettings.MaxInterruptions, time.GetUtcNow());
        if (!await ledger.TryWriteAsync(current, next, cancellationToken))
        {
            return;
        }

        logger.LogInformation("Job {JobId} on {Worker}: {Reason} ({Detail}); requeued without spending its retry budget", current.JobId, WorkerId, reason, detail);
        if (message is null)
        {
            // Resumed: the message comes back by itself when its visibility lapses.
        }
        else if (next.IsTerminal)
        {
            await queue.DeadLetterAsync(message, JobResultJson.Serialize(next), cancellationToken);
        }
        else
        {
            await queue.ReleaseAsync(message, TimeSpan.Zero, cancellationToken);
        }

        observer.AttemptEnded(WorkerId, next, next.IsTerminal ? AttemptOutcome.Failed : AttemptOutcome.Interrupted, endedAt);
    }

    private Task PublishTerminalAsync(QueueMessage message, JobRecord record, CancellationToken cancellationToken) =>
        record.Status == JobStatus.Succeeded
            ? queue.CompleteAsync(message, JobResultJson.Serialize(record), cancellationToken)
            : queue.DeadLetterAsync(message, JobResultJson.Serialize(record), cancellationToken);

    private async Task LoseLeaseAsync(CommandHandle handle, JobRecord record)
    {
        // Someone else wrote the record (our lease lapsed and the job moved on): stop our copy so at
        // most one runs, and leave the message to whoever holds the job now.
        logger.LogWarning("Job {JobId}: {Worker} lost its lease; cancelling its copy of the command", record.JobId, WorkerId);
        await CancelQuietlyAsync(handle);
    }

    private async Task CancelQuietlyAsync(CommandHandle handle)
    {
        try
        {
            await runner.CancelAsync(handle, CancellationToken.None);
        }
        catch (Exception e)
        {
            observer.WorkerError(WorkerId, "cancel", e);
        }
    }

    private async Task TerminateAsync(string reason, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                await fleet.TerminateAsync(WorkerId, reason, cancellationToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && tries < 5)
            {
                observer.WorkerError(WorkerId, "terminate", e);
                await Task.Delay(options.ErrorBackoff * tries, time, cancellationToken);
            }
        }
    }

    private async Task OnErrorAsync(string operation, Exception error, CancellationToken cancellationToken)
    {
        consecutiveErrors++;
        observer.WorkerError(WorkerId, operation, error);
        logger.LogWarning(error, "Worker {Worker}: {Operation} failed ({Count} in a row)", WorkerId, operation, consecutiveErrors);
        await Task.Delay(options.ErrorBackoff, time, cancellationToken);
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken attemptToken, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, attemptToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Interrupted while backing off: the next WaitAsync sees the cancelled token and handles it.
        }
    }

    private CommandRequest ToRequest(JobSpec spec, JobRecord record) => new()
    {
        WorkerId = WorkerId,
        JobId = spec.JobId,
        Attempt = record.Attempts,
        Document = spec.Document,
        Commands = spec.Commands,
        Timeout = spec.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        WorkingDirectory = spec.WorkingDirectory,
        Env = spec.Env,
        OutputS3Prefix = spec.OutputS3Prefix,
    };

    private TimeSpan RetryDelay(int failures)
    {
        var delay = queueSettings.RetryBackoff * Math.Pow(2, Math.Max(0, failures - 1));
        return delay > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : delay;
    }

    private void SetPhase(WorkerPhase phase, string? detail)
    {
        if (Phase == phase && phase != WorkerPhase.Running)
        {
            return;
        }

        Phase = phase;
        observer.WorkerPhaseChanged(WorkerId, phase, detail);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
