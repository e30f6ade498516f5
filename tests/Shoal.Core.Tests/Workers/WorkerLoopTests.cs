using System.Text.Json.Nodes;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Scaling;
using Shoal.Core.Tests.Fakes;
using Shoal.Core.Workers;

namespace Shoal.Core.Tests.Workers;

/// <summary>
/// The per-worker loop against in-memory ports on a fake clock. Loops run on the rig's manual context,
/// pumped after every step of fake time, so they never race the test: times asserted here are exact
/// (to the one-second step), not "roughly".
/// </summary>
public sealed class WorkerLoopTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static JobSpec SpecOf(string body) => JobMessageParser.Parse(body, new JobDefaults()).Job!;

    private static JsonNode Json(string text) => JsonNode.Parse(text)!;

    private static async Task<WorkerExit> Stop(WorkerRig rig, CancellationTokenSource host, Task<WorkerExit> run) => (await rig.Stop(host, run))[0];

    [Fact]
    public async Task Waits_for_the_agent_before_taking_any_job()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        rig.Submit(WorkerRig.Body("j1"));
        var loop = rig.NewLoop("w1", readyAfter: TimeSpan.FromSeconds(30));
        using var host = new CancellationTokenSource();

        var run = rig.Start(loop, host.Token);
        Assert.Equal(WorkerPhase.WaitingForAgent, loop.Phase);
        await rig.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(rig.Runner.Starts);
        Assert.DoesNotContain(rig.Queue.Operations, o => o.Kind == "receive");

        await rig.Until(() => rig.Ledger["j1"]?.Status == JobStatus.Succeeded, "j1 to succeed");

        // Readiness is polled every 5 s: the first poll that sees the agent ready is at 30 s.
        Assert.Equal(t0 + TimeSpan.FromSeconds(30), Assert.Single(rig.Runner.Starts).At);
        Assert.Equal(7, rig.Fleet.Describes);
        var phases = rig.Observer.Phases.Select(p => p.Phase).ToList();
        Assert.Equal([WorkerPhase.WaitingForAgent, WorkerPhase.Idle, WorkerPhase.Running, WorkerPhase.Idle], phases);
        Assert.Equal("HostStopping", (await Stop(rig, host, run)).Reason);
    }

    [Fact]
    public async Task Agent_that_never_becomes_ready_is_given_up_after_the_readiness_timeout_and_terminated()
    {
        var rig = WorkerRig.Create();
        rig.Options = rig.Options with { ReadinessTimeout = TimeSpan.FromMinutes(10), ReadinessPoll = TimeSpan.FromSeconds(5) };
        var t0 = rig.Now;
        rig.Submit(WorkerRig.Body("j1"));
        var loop = rig.NewLoop("w1", readyAfter: null);

        var run = rig.Start(loop, CancellationToken.None);
        await rig.Until(() => run.IsCompleted, "the loop to give up", step: TimeSpan.FromSeconds(5));

        var exit = await run;
        Assert.Equal(new WorkerExit("w1", "NeverReady", 0), exit);
        var terminated = Assert.Single(rig.Fleet.Terminations);
        Assert.Equal(new TerminatedWorker("w1", "NeverReady", t0 + TimeSpan.FromMinutes(10)), terminated);
        Assert.Empty(rig.Runner.Starts);
        Assert.Empty(rig.Queue.Operations);
        Assert.Equal(WorkerPhase.Terminated, loop.Phase);
    }

    [Fact]
    public async Task Worker_lost_before_its_agent_is_ready_retires_at_once()
    {
        var rig = WorkerRig.Create();
        var loop = rig.NewLoop("w1", readyAfter: TimeSpan.FromMinutes(1));
        var run = rig.Start(loop, CancellationToken.None);

        rig.Fleet.Lose("w1");
        await rig.Until(() => run.IsCompleted, "the loop to notice", step: TimeSpan.FromSeconds(5));

        Assert.Equal("LostBeforeReady", (await run).Reason);
        Assert.Equal("LostBeforeReady", Assert.Single(rig.Fleet.Terminations).Reason);
    }

    [Fact]
    public async Task Describe_errors_while_waiting_for_the_agent_are_retried_not_fatal()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("j1"));
        rig.Fleet.FailNextDescribes(2);
        var loop = rig.NewLoop("w1", readyAfter: TimeSpan.Zero);
        using var host = new CancellationTokenSource();

        var run = rig.Start(loop, host.Token);
        await rig.Until(() => run.IsCompleted || rig.Ledger["j1"]?.Status == JobStatus.Succeeded, "j1 to succeed");

        // A throttled DescribeInstances must not end the loop: that would forget a live (billed) worker.
        Assert.False(run.IsFaulted, $"the loop crashed: {run.Exception?.InnerException?.Message}");
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["j1"]?.Status);
        Assert.Equal(2, rig.Observer.Errors.Count(e => e.WorkerId == "w1"));
        Assert.Equal("HostStopping", (await Stop(rig, host, run)).Reason);
    }

    [Fact]
    public async Task Interrupt_while_waiting_for_the_agent_retires_without_running_anything()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("j1"));
        var loop = rig.NewLoop("w1", readyAfter: TimeSpan.FromMinutes(5));
        var run = rig.Start(loop, CancellationToken.None);
        await rig.Advance(TimeSpan.FromSeconds(12));

        loop.Interrupt("spot interruption warning");
        await rig.Until(() => run.IsCompleted, "the loop to retire", maxSteps: 0);

        Assert.Equal("spot interruption warning", (await run).Reason);
        Assert.Empty(rig.Runner.Starts);
        Assert.Single(rig.Fleet.Terminations);
    }

    [Fact]
    public async Task Success_is_recorded_before_the_message_is_deleted_and_published()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        var body = """{"job_id": "jobId_0", "retry": "3", "job_success_string": "Hello", "ssm_document": "AWS-RunShellScript", "commands": ["echo Hello World"],}""";
        var messageId = rig.Submit(body);
        rig.Runner.Script("jobId_0", 1, RunScript.Succeeds(TimeSpan.FromSeconds(12), "Hello World\n"));
        var loop = rig.NewLoop();
        using var host = new CancellationTokenSource();

        var run = rig.Start(loop, host.Token);
        await rig.Until(() => !rig.Queue.Contains(messageId), "the message to be deleted");

        var record = rig.Ledger["jobId_0"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.Equal(JobReasons.Succeeded, record.Reason);
        Assert.Equal(1, record.Attempts);
        Assert.Equal(0, record.Failures);
        Assert.Equal(0, record.Interruptions);
        Assert.Equal(3, record.Retry);
        Assert.Equal(0, record.ExitCode);
        Assert.Equal("Hello World\n", record.OutputTail);
        Assert.Equal("w1", record.Worker);
        Assert.Null(record.LeaseOwner);
        Assert.Equal(t0, record.StartedAt);
        Assert.Equal(t0 + TimeSpan.FromSeconds(12), record.FinishedAt);
        Assert.Equal(body, record.Body);
        Assert.Equal(1, rig.Ledger.TerminalWritesOf("jobId_0"));

        // Nothing lost: the terminal record is written after the command ended and before the delete.
        var ended = rig.Log.SeqOf("runner", "end jobId_0#1 Completed");
        var written = rig.Log.SeqOf("ledger", "write jobId_0 Succeeded");
        var deleted = rig.Log.SeqOf("queue", $"complete {messageId}");
        Assert.True(ended < written && written < deleted, $"expected end < write < delete, got {ended}, {written}, {deleted}");

        var request = Assert.Single(rig.Runner.Starts).Request;
        Assert.Equal("w1", request.WorkerId);
        Assert.Equal(1, request.Attempt);
        Assert.Equal("AWS-RunShellScript", request.Document);
        Assert.Equal(["echo Hello World"], request.Commands);
        Assert.Null(request.Timeout);

        var published = Json(Assert.Single(rig.Queue.Finished));
        Assert.Equal("jobId_0", (string?)published["job_id"]);
        Assert.Equal("SUCCEEDED", (string?)published["status"]);
        Assert.Equal("echo Hello World", (string?)published["job"]!["commands"]![0]);
        Assert.Empty(rig.Queue.DeadLetters);
        Assert.Equal(AttemptOutcome.Succeeded, Assert.Single(rig.Observer.Ended).Outcome);
        Assert.Equal(1, loop.JobsDone);

        var counts = await rig.Ledger.GetCountsAsync(WorkerRig.QueueName, CancellationToken.None);
        Assert.Equal(new JobCounts { Jobs = 1, Succeeded = 1, Attempts = 1 }, counts);
        Assert.Equal("HostStopping", (await Stop(rig, host, run)).Reason);
        Assert.Empty(rig.Fleet.Terminations);
    }

    [Fact]
    public async Task Success_string_found_only_past_the_first_24000_characters_of_stdout_succeeds()
    {
        var rig = WorkerRig.Create();
        var output = new string('.', 30_000) + "\nHello\n";
        rig.Submit(WorkerRig.Body("j1", success: "Hello"));
        rig.Runner.Script("j1", 1, RunScript.Succeeds(TimeSpan.FromSeconds(3), output));
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end");

        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.DoesNotContain("Hello", record.OutputTail, StringComparison.Ordinal);
        Assert.Single(rig.Runner.OutputsOpened);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Success_string_absent_from_stdout_is_a_job_failure()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("j1", retry: 0, success: "Hello"));
        rig.Runner.Script("j1", 1, RunScript.Succeeds(TimeSpan.FromSeconds(3), new string('.', 100_000) + "Hell"));
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end");

        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Failed, record.Status);
        Assert.Equal(JobReasons.SuccessStringNotFound, record.Reason);
        Assert.Equal(1, record.Failures);
        Assert.Equal(0, record.ExitCode);
        Assert.Equal("FAILED", (string?)Json(Assert.Single(rig.Queue.DeadLetters))["status"]);
        Assert.Empty(rig.Queue.Finished);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Non_zero_exit_is_a_job_failure_without_reading_the_output()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("j1", retry: 0, success: "Hello"));
        rig.Runner.Script("j1", 1, RunScript.Exits(3, TimeSpan.FromSeconds(2), "Hello"));
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end");

        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Failed, record.Status);
        Assert.Equal(JobReasons.NonZeroExit, record.Reason);
        Assert.Equal(3, record.ExitCode);
        Assert.StartsWith("exit code 3 (success: 0)", record.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Runner.OutputsOpened);
        Assert.Single(rig.Queue.DeadLetters);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Success_exit_codes_are_honoured()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("two-ok", retry: 0, exitCodes: [0, 2]));
        rig.Submit(WorkerRig.Body("zero-not-ok", retry: 0, exitCodes: [2]));
        rig.Runner.Script("two-ok", RunScript.Exits(2));
        rig.Runner.Script("zero-not-ok", RunScript.Exits(0));
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["zero-not-ok"]?.IsTerminal == true, "both jobs to end");

        Assert.Equal(JobStatus.Succeeded, rig.Ledger["two-ok"]!.Status);
        Assert.Equal(2, rig.Ledger["two-ok"]!.ExitCode);
        Assert.Equal(JobStatus.Failed, rig.Ledger["zero-not-ok"]!.Status);
        Assert.Equal(JobReasons.NonZeroExit, rig.Ledger["zero-not-ok"]!.Reason);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Completed_without_an_exit_code_is_never_taken_for_success()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("j1", retry: 0));
        rig.Runner.Script("j1", 1, new RunScript { Result = new CommandStatus(CommandState.Completed), Duration = Second });
        rig.Runner.Script("j1", 2, RunScript.Succeeds());
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end");

        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.Equal(2, record.Attempts);
        Assert.Equal(0, record.Failures);
        Assert.Equal(1, record.Interruptions);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Retry_two_gives_three_attempts_with_growing_backoff_then_fails_and_dead_letters()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        var messageId = rig.Submit(WorkerRig.Body("j1", retry: 2));
        rig.Runner.Script("j1", RunScript.Exits(1, TimeSpan.FromSeconds(10)));
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end");

        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Failed, record.Status);
        Assert.Equal(JobReasons.NonZeroExit, record.Reason);
        Assert.Equal(3, record.Attempts);
        Assert.Equal(3, record.Failures);
        Assert.Equal(0, record.Interruptions);
        Assert.EndsWith("failed 3 of 3 allowed attempts (retry 2)", record.Message, StringComparison.Ordinal);

        var releases = rig.Queue.Operations.Where(o => o.Kind == "release").ToList();
        Assert.Equal([Second, 2 * Second], releases.Select(r => r.Duration));
        Assert.Equal([t0, t0 + TimeSpan.FromSeconds(11), t0 + TimeSpan.FromSeconds(23)], rig.Runner.Starts.Select(s => s.At));
        Assert.Equal([1, 2, 3], rig.Runner.Starts.Select(s => s.Request.Attempt));
        Assert.Equal(
            [AttemptOutcome.Retrying, AttemptOutcome.Retrying, AttemptOutcome.Failed],
            rig.Observer.Ended.Select(e => e.Outcome));

        Assert.False(rig.Queue.Contains(messageId));
        var dead = Json(Assert.Single(rig.Queue.DeadLetters));
        Assert.Equal(3, (int?)dead["attempts"]);
        Assert.Equal(1, rig.Ledger.TerminalWritesOf("j1"));
        await Stop(rig, host, run);
    }

    [Theory]
    [InlineData(CommandState.Interrupted, JobReasons.Interrupted, "Reclaimed")]
    [InlineData(CommandState.WorkerLost, JobReasons.WorkerLost, "Lost")]
    public async Task Worker_reclaimed_mid_job_requeues_it_without_spending_budget_and_retires(CommandState state, string reason, string exitReason)
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        var messageId = rig.Submit(WorkerRig.Body("j1", retry: 0));
        rig.Runner.Script("j1", 1, RunScript.Ends(state, TimeSpan.FromSeconds(30), "instance-terminated-by-ec2"));
        var loop = rig.NewLoop();

        var run = rig.Start(loop, CancellationToken.None);
        await rig.Until(() => run.IsCompleted, "the worker to retire");

        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Queued, record.Status);
        Assert.Equal(reason, record.Reason);
        Assert.Equal("instance-terminated-by-ec2", record.Message);
        Assert.Equal(1, record.Attempts);
        Assert.Equal(0, record.Failures);
        Assert.Equal(1, record.Interruptions);
        Assert.Null(record.LeaseOwner);

        var release = Assert.Single(rig.Queue.Operations, o => o.Kind == "release");
        Assert.Equal(TimeSpan.Zero, release.Duration);
        Assert.True(rig.Queue.Contains(messageId));
        Assert.Equal(new QueueDepth(1, 0, 0), await rig.Queue.GetDepthAsync(CancellationToken.None));

        Assert.Equal(exitReason, (await run).Reason);
        Assert.Equal(new TerminatedWorker("w1", exitReason, t0 + TimeSpan.FromSeconds(30)), Assert.Single(rig.Fleet.Terminations));
        Assert.Equal(AttemptOutcome.Interrupted, Assert.Single(rig.Observer.Ended).Outcome);
    }

    [Fact]
    public async Task Interrupt_during_a_running_job_cancels_the_command_and_requeues_without_spending_budget()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        var messageId = rig.Submit(WorkerRig.Body("j1", retry: 0));
        rig.Runner.Script("j1", 1, RunScript.Hangs());
        var loop = rig.NewLoop();

        var run = rig.Start(loop, CancellationToken.None);
        await rig.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(WorkerPhase.Running, loop.Phase);
        Assert.Equal("j1", loop.CurrentJob);

        loop.Interrupt("spot interruption warning");
        await rig.Until(() => run.IsCompleted, "the worker to retire", maxSteps: 0);

        var cancel = Assert.Single(rig.Runner.Cancels);
        Assert.Equal(("j1", 1, t0 + TimeSpan.FromSeconds(45)), (cancel.JobId, cancel.Attempt, cancel.At));
        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Queued, record.Status);
        Assert.Equal(JobReasons.Interrupted, record.Reason);
        Assert.Equal("spot interruption warning", record.Message);
        Assert.Equal(0, record.Failures);
        Assert.Equal(1, record.Interruptions);
        Assert.True(rig.Queue.Contains(messageId));
        Assert.Equal(TimeSpan.Zero, Assert.Single(rig.Queue.Operations, o => o.Kind == "release").Duration);
        Assert.Equal("spot interruption warning", (await run).Reason);
        Assert.Single(rig.Fleet.Terminations);
    }

    [Fact]
    public async Task Start_failing_on_infrastructure_requeues_without_spending_budget()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("j1", retry: 0));
        rig.Runner.Script("j1", 1, RunScript.FailsToStart("AgentNotRegistered"));
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end");

        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.Equal(2, record.Attempts);
        Assert.Equal(0, record.Failures);
        Assert.Equal(1, record.Interruptions);
        var requeued = rig.Ledger.WritesOf("j1").Single(r => r.Status == JobStatus.Queued);
        Assert.Equal("AgentNotRegistered", requeued.Reason);
        Assert.Equal(TimeSpan.Zero, Assert.Single(rig.Queue.Operations, o => o.Kind == "release").Duration);
        Assert.Equal("HostStopping", (await Stop(rig, host, run)).Reason);
    }

    [Fact]
    public async Task Start_failing_with_an_unexpected_error_is_treated_as_undeliverable()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("j1", retry: 0));
        rig.Runner.Script("j1", 1, new RunScript { StartError = new InvalidOperationException("throttled") });
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end");

        var requeued = rig.Ledger.WritesOf("j1").Single(r => r.Status == JobStatus.Queued);
        Assert.Equal(JobReasons.Undeliverable, requeued.Reason);
        Assert.Contains("throttled", requeued.Message, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["j1"]!.Status);
        Assert.Equal(0, rig.Ledger["j1"]!.Failures);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Three_infrastructure_failures_in_a_row_retire_the_worker_as_unhealthy()
    {
        var rig = WorkerRig.Create();
        var messageId = rig.Submit(WorkerRig.Body("j1", retry: 0));
        rig.Runner.Script("j1", RunScript.FailsToStart());

        var run = rig.Start(rig.NewLoop(), CancellationToken.None);
        await rig.Until(() => run.IsCompleted, "the worker to retire", maxSteps: 10);

        Assert.Equal("Unhealthy", (await run).Reason);
        Assert.Equal("Unhealthy", Assert.Single(rig.Fleet.Terminations).Reason);
        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Queued, record.Status);
        Assert.Equal(3, record.Attempts);
        Assert.Equal(3, record.Interruptions);
        Assert.Equal(0, record.Failures);
        Assert.True(rig.Queue.Contains(messageId));
    }

    [Fact]
    public async Task Infrastructure_failures_separated_by_a_real_outcome_do_not_retire_the_worker()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("a", retry: 1));
        rig.Runner.Script("a", 1, RunScript.FailsToStart());
        rig.Runner.Script("a", 2, RunScript.FailsToStart());
        rig.Runner.Script("a", 3, RunScript.Exits(1));
        rig.Runner.Script("a", 4, RunScript.FailsToStart());
        rig.Runner.Script("a", 5, RunScript.FailsToStart());
        rig.Runner.Script("a", 6, RunScript.Succeeds());
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => run.IsCompleted || rig.Ledger["a"]?.IsTerminal == true, "a to end");

        Assert.False(run.IsCompleted);
        var record = rig.Ledger["a"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.Equal((6, 4, 1), (record.Attempts, record.Interruptions, record.Failures));
        Assert.Equal("HostStopping", (await Stop(rig, host, run)).Reason);
    }

    [Fact]
    public async Task Poison_message_is_recorded_as_invalid_with_its_raw_body_and_dead_lettered_while_the_next_job_runs()
    {
        var rig = WorkerRig.Create();
        var poisonId = rig.Submit("run my job please");
        rig.Submit(WorkerRig.Body("j2"));
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j2"]?.IsTerminal == true, "j2 to end");

        var poison = rig.Ledger[$"invalid-{poisonId}"]!;
        Assert.Equal(JobStatus.Failed, poison.Status);
        Assert.Equal(JobReasons.InvalidJob, poison.Reason);
        Assert.Equal("run my job please", poison.Body);
        Assert.StartsWith("message is not valid JSON", poison.Message, StringComparison.Ordinal);
        Assert.False(rig.Queue.Contains(poisonId));
        var dead = Json(Assert.Single(rig.Queue.DeadLetters));
        Assert.Equal("InvalidJob", (string?)dead["reason"]);
        Assert.Equal("run my job please", (string?)dead["job"]);
        Assert.Equal(poison.JobId, Assert.Single(rig.Observer.Rejected).JobId);

        Assert.Equal(JobStatus.Succeeded, rig.Ledger["j2"]!.Status);
        Assert.Equal(["j2"], rig.Runner.Starts.Select(s => s.Request.JobId));
        var counts = await rig.Ledger.GetCountsAsync(WorkerRig.QueueName, CancellationToken.None);
        Assert.Equal((2L, 1L, 1L, 1L), (counts.Jobs, counts.Failed, counts.Invalid, counts.Succeeded));
        Assert.False(run.IsCompleted);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Poison_message_with_a_usable_job_id_is_recorded_under_it_but_never_over_a_real_job()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("real"));
        rig.Submit("""{"job_id": "p1", "retry": "three", "commands": ["x"]}""");
        var clashId = rig.Submit("""{"job_id": "real", "commands": []}""");
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Queue.Count == 0, "every message to be handled");

        Assert.Equal(JobReasons.InvalidJob, rig.Ledger["p1"]!.Reason);
        Assert.StartsWith("retry must be", rig.Ledger["p1"]!.Message, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["real"]!.Status);
        Assert.Equal(JobReasons.InvalidJob, rig.Ledger[$"invalid-{clashId}"]!.Reason);
        Assert.Equal(2, rig.Queue.DeadLetters.Count);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Poison_message_delivered_again_after_a_failed_delete_is_recorded_once()
    {
        var rig = WorkerRig.Create();
        var messageId = rig.Submit("""{"job_id": "p1", "retry": "three", "commands": ["x"]}""");
        rig.Queue.FailNext("dead-letter", 1);
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => !rig.Queue.Contains(messageId), "the poison message to be dead-lettered", maxSteps: 600);

        Assert.Equal(2, rig.Queue.Operations.Count(o => o.Kind == "receive"));
        var all = await rig.Ledger.ListAsync(null, null, CancellationToken.None);
        Assert.Equal(["p1"], all.Select(r => r.JobId));
        var counts = await rig.Ledger.GetCountsAsync(WorkerRig.QueueName, CancellationToken.None);
        Assert.Equal((1L, 1L, 1L), (counts.Jobs, counts.Failed, counts.Invalid));
        Assert.Equal("p1", (string?)Json(Assert.Single(rig.Queue.DeadLetters))["job_id"]);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Duplicate_delivery_of_a_finished_job_is_not_run_again_and_is_dropped()
    {
        var rig = WorkerRig.Create();
        var body = WorkerRig.Body("j1");
        rig.Submit(body);
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end");
        var writesBefore = rig.Ledger.WritesOf("j1").Count;
        var duplicate = rig.Submit(body);
        await rig.Until(() => !rig.Queue.Contains(duplicate), "the duplicate to be dropped");

        Assert.Single(rig.Runner.Starts);
        Assert.Equal(1, rig.Ledger.TerminalWritesOf("j1"));
        Assert.Equal(writesBefore, rig.Ledger.WritesOf("j1").Count);
        Assert.Equal(2, rig.Queue.Finished.Count);
        Assert.Equal(rig.Queue.Finished[0], rig.Queue.Finished[1]);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Job_held_under_another_live_lease_is_released_until_the_lease_expires_and_not_run()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        var body = WorkerRig.Body("j1");
        var held = JobTransitions.Claim(null, WorkerRig.QueueName, SpecOf(body), body, "other", t0, TimeSpan.FromMinutes(2), 10).Next!;
        Assert.True(await rig.Ledger.TryWriteAsync(null, held, CancellationToken.None));
        await rig.Advance(TimeSpan.FromSeconds(30));
        var messageId = rig.Submit(body);
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);

        var release = Assert.Single(rig.Queue.Operations, o => o.Kind == "release");
        Assert.Equal(TimeSpan.FromSeconds(90), release.Duration);
        Assert.Empty(rig.Runner.Starts);
        Assert.Same(held, rig.Ledger["j1"]);

        // The holder never renews: once its lease lapses the job is taken over, counted as an interruption.
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to be taken over and end");
        Assert.Equal(t0 + TimeSpan.FromMinutes(2), Assert.Single(rig.Runner.Starts).At);
        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.Equal(2, record.Attempts);
        Assert.Equal(1, record.Interruptions);
        Assert.Equal(0, record.Failures);
        Assert.False(rig.Queue.Contains(messageId));
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Job_whose_lost_holders_used_up_the_infrastructure_cap_fails_without_running()
    {
        var rig = WorkerRig.Create();
        var body = WorkerRig.Body("j1");
        var held = JobTransitions.Claim(null, WorkerRig.QueueName, SpecOf(body), body, "gone", rig.Now, TimeSpan.FromMinutes(2), 10).Next! with { Interruptions = 10 };
        Assert.True(await rig.Ledger.TryWriteAsync(null, held, CancellationToken.None));
        await rig.Advance(TimeSpan.FromMinutes(3));
        var messageId = rig.Submit(body);
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => !rig.Queue.Contains(messageId), "the message to be dead-lettered", maxSteps: 0);

        Assert.Empty(rig.Runner.Starts);
        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Failed, record.Status);
        Assert.Equal(JobReasons.InfrastructureRetriesExhausted, record.Reason);
        Assert.Equal(11, record.Interruptions);
        Assert.Equal("FAILED", (string?)Json(Assert.Single(rig.Queue.DeadLetters))["status"]);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Job_longer_than_the_lease_keeps_renewing_lease_and_visibility_and_runs_once()
    {
        var rig = WorkerRig.Create();
        var lease = TimeSpan.FromMinutes(2);
        rig.QueueSettings = rig.QueueSettings with { LeaseDuration = lease };
        var messageId = rig.Submit(WorkerRig.Body("long"));
        rig.Runner.Script("long", RunScript.Succeeds(TimeSpan.FromMinutes(10)));
        using var host = new CancellationTokenSource();

        // A second worker is polling all along: it must never get the message while the first one runs it.
        var first = rig.Start(rig.NewLoop("w1"), host.Token);
        var second = rig.Start(rig.NewLoop("w2"), host.Token);
        await rig.Until(() => rig.Ledger["long"]?.IsTerminal == true, "the long job to end", maxSteps: 1000);

        Assert.Equal(JobStatus.Succeeded, rig.Ledger["long"]!.Status);
        Assert.Equal("w1", Assert.Single(rig.Runner.Starts).Request.WorkerId);
        Assert.Single(rig.Queue.Operations, o => o.Kind == "receive" && o.MessageId == messageId);
        Assert.Equal(1, rig.Ledger.TerminalWritesOf("long"));
        Assert.Equal(1, rig.Ledger["long"]!.Attempts);

        var extends = rig.Queue.Operations.Where(o => o.Kind == "extend").ToList();
        Assert.InRange(extends.Count, 14, 16);
        Assert.All(extends, e => Assert.Equal(lease, e.Duration));
        var renewals = rig.Ledger.WritesOf("long").Where(r => r.Status == JobStatus.Running).ToList();
        Assert.Equal(extends.Count + 2, renewals.Count);

        // The lease never lapsed: every write came before the lease of the write it replaced ran out.
        var writes = rig.Ledger.WritesOf("long");
        for (var i = 1; i < writes.Count; i++)
        {
            Assert.True(writes[i].UpdatedAt < writes[i - 1].LeaseExpiresAt, $"lease lapsed before write {i} at {writes[i].UpdatedAt}");
        }

        // Polls back off as the job runs (a fixed 5 s loop would have polled 120 times).
        Assert.InRange(rig.Runner.Polls, 20, 80);
        Assert.Empty(rig.Runner.Violations);
        await rig.Stop(host, first, second);
    }

    [Fact]
    public async Task Polling_errors_do_not_stop_the_heartbeat()
    {
        var rig = WorkerRig.Create();
        rig.QueueSettings = rig.QueueSettings with { LeaseDuration = TimeSpan.FromMinutes(2) };
        rig.Submit(WorkerRig.Body("j1"));
        rig.Runner.Script("j1", new RunScript
        {
            Result = new CommandStatus(CommandState.Completed, 0),
            Duration = TimeSpan.FromMinutes(5),
            PollErrorsFor = TimeSpan.FromMinutes(3),
        });
        using var host = new CancellationTokenSource();

        var first = rig.Start(rig.NewLoop("w1"), host.Token);
        var second = rig.Start(rig.NewLoop("w2"), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true || rig.Runner.Violations.Count > 0, "j1 to end", maxSteps: 1000);

        // The agent API failing for 3 minutes (less than LostCommandTimeout) must not let the lease lapse:
        // that would hand a running job to the other worker.
        Assert.Empty(rig.Runner.Violations);
        Assert.Equal("w1", Assert.Single(rig.Runner.Starts).Request.WorkerId);
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["j1"]!.Status);
        Assert.Equal(0, rig.Ledger["j1"]!.Interruptions);
        Assert.Contains(rig.Observer.Errors, e => e.Operation == "poll");
        await rig.Stop(host, first, second);
    }

    [Theory]
    [InlineData("ledger")]
    [InlineData("queue")]
    public async Task Heartbeat_error_does_not_abandon_the_running_command(string failing)
    {
        var rig = WorkerRig.Create();
        rig.QueueSettings = rig.QueueSettings with { LeaseDuration = TimeSpan.FromMinutes(2) };
        rig.Submit(WorkerRig.Body("j1"));
        rig.Runner.Script("j1", RunScript.Succeeds(TimeSpan.FromMinutes(5)));
        using var host = new CancellationTokenSource();

        var first = rig.Start(rig.NewLoop("w1"), host.Token);
        var second = rig.Start(rig.NewLoop("w2"), host.Token);
        await rig.Advance(TimeSpan.FromSeconds(10));
        if (failing == "ledger")
        {
            rig.Ledger.FailNextWrites(1);
        }
        else
        {
            rig.Queue.FailNext("extend", 1);
        }

        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end", maxSteps: 1000);

        Assert.Empty(rig.Runner.Violations);
        Assert.Single(rig.Runner.Starts);
        Assert.Empty(rig.Runner.Cancels);
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["j1"]!.Status);
        Assert.Equal(1, rig.Ledger["j1"]!.Attempts);
        Assert.NotEmpty(rig.Observer.Errors);
        await rig.Stop(host, first, second);
    }

    [Fact]
    public async Task Lease_lost_to_another_writer_cancels_the_command_and_leaves_the_message_alone()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        rig.QueueSettings = rig.QueueSettings with { LeaseDuration = TimeSpan.FromMinutes(2) };
        var messageId = rig.Submit(WorkerRig.Body("j1"));
        rig.Runner.Script("j1", RunScript.Hangs());
        using var host = new CancellationTokenSource();
        var loop = rig.NewLoop();

        var run = rig.Start(loop, host.Token);
        await rig.Advance(TimeSpan.FromSeconds(5));
        var current = rig.Ledger["j1"]!;
        var taken = current with { Version = current.Version + 1, LeaseOwner = "w9", Worker = "w9", LeaseExpiresAt = rig.Now.AddHours(1), UpdatedAt = rig.Now };
        Assert.True(await rig.Ledger.TryWriteAsync(current, taken, CancellationToken.None));
        await rig.Until(() => rig.Runner.Cancels.Count > 0, "the command to be cancelled");

        // Noticed at the first heartbeat (a third of the lease after the start).
        Assert.Equal(t0 + TimeSpan.FromSeconds(40), Assert.Single(rig.Runner.Cancels).At);
        Assert.Same(taken, rig.Ledger["j1"]);
        Assert.Equal(1, rig.Ledger.Conflicts);
        Assert.Equal(["receive"], rig.Queue.Operations.Where(o => o.MessageId == messageId).Select(o => o.Kind));
        Assert.True(rig.Queue.Contains(messageId));
        Assert.Equal(0, loop.JobsDone);
        Assert.Null(loop.CurrentJob);
        Assert.Equal(WorkerPhase.Idle, loop.Phase);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Timeout_safety_net_cancels_a_command_that_never_ends()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        rig.Options = rig.Options with { TimeoutGrace = TimeSpan.FromSeconds(30) };
        var messageId = rig.Submit(WorkerRig.Body("j1", retry: 0, timeoutSeconds: 60));
        rig.Runner.Script("j1", RunScript.Hangs());
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to time out");

        Assert.Equal(TimeSpan.FromSeconds(60), Assert.Single(rig.Runner.Starts).Request.Timeout);
        var cancel = Assert.Single(rig.Runner.Cancels);
        Assert.InRange(cancel.At - t0, TimeSpan.FromSeconds(90) + TimeSpan.FromTicks(1), TimeSpan.FromSeconds(100));
        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Failed, record.Status);
        Assert.Equal(JobReasons.TimedOut, record.Reason);
        Assert.StartsWith("cancelled by Shoal after 60 s (timeout_seconds)", record.Message, StringComparison.Ordinal);
        Assert.Equal(1, record.Failures);
        Assert.False(rig.Queue.Contains(messageId));
        Assert.Single(rig.Queue.DeadLetters);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Command_timing_out_on_its_own_is_a_job_failure_that_spends_budget()
    {
        var rig = WorkerRig.Create();
        rig.Submit(WorkerRig.Body("j1", retry: 1, timeoutSeconds: 5));
        rig.Runner.Script("j1", 1, RunScript.Ends(CommandState.TimedOut, TimeSpan.FromSeconds(5)));
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end");

        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.Equal(1, record.Failures);
        Assert.Equal(JobReasons.TimedOut, rig.Ledger.WritesOf("j1").Single(r => r.Status == JobStatus.Queued).Reason);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Idle_worker_retires_after_its_idle_timeout_when_the_gate_allows()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        rig.Pool = rig.Pool with { IdleTimeout = TimeSpan.FromSeconds(60) };
        var loop = rig.NewLoop();

        var run = rig.Start(loop, CancellationToken.None);
        await rig.Until(() => run.IsCompleted, "the worker to retire");

        Assert.Equal(new WorkerExit("w1", "Idle", 0), await run);
        Assert.Equal(1, rig.Gate.Asked);
        Assert.Equal(new TerminatedWorker("w1", "Idle", t0 + TimeSpan.FromSeconds(60)), Assert.Single(rig.Fleet.Terminations));
        Assert.All(rig.Queue.Operations, o => Assert.Equal("receive", o.Kind));
    }

    [Fact]
    public async Task Idle_timeout_counts_from_the_last_job()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        rig.Pool = rig.Pool with { IdleTimeout = TimeSpan.FromSeconds(60) };
        rig.Submit(WorkerRig.Body("j1"));
        rig.Runner.Script("j1", RunScript.Succeeds(TimeSpan.FromSeconds(100)));

        var run = rig.Start(rig.NewLoop(), CancellationToken.None);
        await rig.Until(() => run.IsCompleted, "the worker to retire");

        Assert.Equal("Idle", (await run).Reason);
        Assert.Equal(t0 + TimeSpan.FromSeconds(160), Assert.Single(rig.Fleet.Terminations).At);
    }

    [Fact]
    public async Task Idle_worker_stays_when_the_gate_refuses_and_still_takes_work()
    {
        var rig = WorkerRig.Create();
        rig.Pool = rig.Pool with { IdleTimeout = TimeSpan.FromSeconds(60) };
        rig.Gate.Allow = false;
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Advance(TimeSpan.FromMinutes(10));

        Assert.False(run.IsCompleted);
        Assert.Equal(10, rig.Gate.Asked);
        Assert.Empty(rig.Fleet.Terminations);

        rig.Submit(WorkerRig.Body("late"));
        await rig.Until(() => rig.Ledger["late"]?.IsTerminal == true, "the late job to end", maxSteps: 0);
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["late"]!.Status);
        Assert.Equal("HostStopping", (await Stop(rig, host, run)).Reason);
        Assert.Empty(rig.Fleet.Terminations);
    }

    [Fact]
    public async Task Zero_idle_timeout_kept_by_the_gate_waits_for_work_instead_of_spinning()
    {
        var rig = WorkerRig.Create();
        rig.Pool = rig.Pool with { IdleTimeout = TimeSpan.Zero };
        rig.Gate.Allow = false;
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Advance(TimeSpan.FromMinutes(1));

        // One question per long poll (20 s by default), not thousands per instant.
        Assert.False(run.IsCompleted);
        Assert.InRange(rig.Gate.Asked, 3, 4);
        await Stop(rig, host, run);
    }

    [Fact]
    public async Task Drain_while_idle_retires_promptly()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        var loop = rig.NewLoop();
        var run = rig.Start(loop, CancellationToken.None);
        await rig.Advance(TimeSpan.FromSeconds(5));

        loop.RequestDrain("ScaleIn");
        await rig.Until(() => run.IsCompleted, "the worker to retire", maxSteps: 0);

        Assert.Equal(new WorkerExit("w1", "ScaleIn", 0), await run);
        Assert.Equal(new TerminatedWorker("w1", "ScaleIn", t0 + TimeSpan.FromSeconds(5)), Assert.Single(rig.Fleet.Terminations));
        Assert.Equal(0, rig.Gate.Asked);
        var phases = rig.Observer.Phases.Select(p => p.Phase).ToList();
        Assert.Equal([WorkerPhase.Draining, WorkerPhase.Terminating, WorkerPhase.Terminated], phases[^3..]);
    }

    [Fact]
    public async Task Drain_while_running_finishes_the_job_first()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        rig.Submit(WorkerRig.Body("j1"));
        rig.Submit(WorkerRig.Body("j2"));
        rig.Runner.Script("j1", RunScript.Succeeds(TimeSpan.FromSeconds(60)));
        var loop = rig.NewLoop();
        var run = rig.Start(loop, CancellationToken.None);
        await rig.Advance(TimeSpan.FromSeconds(10));

        loop.RequestDrain("Rebalance");
        await rig.Until(() => run.IsCompleted, "the worker to retire");

        Assert.Equal(new WorkerExit("w1", "Rebalance", 1), await run);
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["j1"]!.Status);
        Assert.Empty(rig.Runner.Cancels);
        Assert.Null(rig.Ledger["j2"]);
        Assert.Equal(t0 + TimeSpan.FromSeconds(60), Assert.Single(rig.Fleet.Terminations).At);
    }

    [Fact]
    public async Task Max_jobs_per_worker_is_honoured()
    {
        var rig = WorkerRig.Create();
        rig.Pool = rig.Pool with { MaxJobsPerWorker = 2 };
        rig.Submit(WorkerRig.Body("a"));
        rig.Submit(WorkerRig.Body("b"));
        var left = rig.Submit(WorkerRig.Body("c"));

        var run = rig.Start(rig.NewLoop(), CancellationToken.None);
        await rig.Until(() => run.IsCompleted, "the worker to retire", maxSteps: 5);

        Assert.Equal(new WorkerExit("w1", "MaxJobsReached", 2), await run);
        Assert.Equal(["a", "b"], rig.Runner.Starts.Select(s => s.Request.JobId));
        Assert.Null(rig.Ledger["c"]);
        Assert.Equal(0, rig.Queue.ReceiveCountOf(left));
    }

    [Fact]
    public async Task Max_lifetime_retires_after_the_current_job()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        rig.Pool = rig.Pool with { MaxLifetime = TimeSpan.FromMinutes(5) };
        rig.Submit(WorkerRig.Body("j1"));
        rig.Runner.Script("j1", RunScript.Succeeds(TimeSpan.FromMinutes(8)));

        var run = rig.Start(rig.NewLoop(), CancellationToken.None);
        await rig.Until(() => run.IsCompleted, "the worker to retire", maxSteps: 1000);

        Assert.Equal(new WorkerExit("w1", "MaxLifetimeReached", 1), await run);
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["j1"]!.Status);
        Assert.Equal(t0 + TimeSpan.FromMinutes(8), Assert.Single(rig.Fleet.Terminations).At);
    }

    [Fact]
    public async Task Host_stopping_mid_job_returns_without_terminating_and_leaves_the_job_resumable()
    {
        var rig = WorkerRig.Create();
        var messageId = rig.Submit(WorkerRig.Body("j1"));
        rig.Runner.Script("j1", RunScript.Hangs());
        using var host = new CancellationTokenSource();
        var loop = rig.NewLoop();

        var run = rig.Start(loop, host.Token);
        await rig.Advance(TimeSpan.FromSeconds(30));
        host.Cancel();
        await rig.Until(() => run.IsCompleted, "the loop to return", maxSteps: 0);

        Assert.Equal(new WorkerExit("w1", "HostStopping", 0), await run);
        Assert.Empty(rig.Fleet.Terminations);
        Assert.Empty(rig.Runner.Cancels);
        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Running, record.Status);
        Assert.Equal("w1", record.LeaseOwner);
        Assert.Equal("cmd-1", record.CommandId);
        Assert.True(rig.Queue.Contains(messageId));
        Assert.DoesNotContain(rig.Queue.Operations, o => o.Kind is "release" or "complete" or "dead-letter");
    }

    [Fact]
    public async Task Restarted_host_re_attaches_to_the_running_command_instead_of_running_the_job_again()
    {
        var rig = WorkerRig.Create();
        var messageId = rig.Submit(WorkerRig.Body("j1", success: "done"));
        rig.Runner.Script("j1", RunScript.Succeeds(TimeSpan.FromMinutes(5), "all done\n"));
        using (var first = new CancellationTokenSource())
        {
            var run = rig.Start(rig.NewLoop(), first.Token);
            await rig.Advance(TimeSpan.FromSeconds(30));
            first.Cancel();
            await rig.Until(() => run.IsCompleted, "the first host to stop", maxSteps: 0);
        }

        // A new host finds the worker (e.g. from its Worker CR) and the job it was running (the ledger).
        var running = rig.Ledger["j1"]!;
        var loop = rig.ReattachLoop();
        loop.Resume(running);
        using var second = new CancellationTokenSource();
        var resumed = rig.Start(loop, second.Token);
        await rig.Until(() => rig.Ledger["j1"]!.IsTerminal, "the resumed attempt to finish");

        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.Equal(1, record.Attempts);
        Assert.Equal(0, record.Interruptions);
        Assert.Single(rig.Runner.StartsOf("j1"));
        Assert.Equal(["cmd-1"], rig.Runner.OutputsOpened);
        Assert.Equal(1, rig.Ledger.TerminalWritesOf("j1"));

        // The old receipt is gone, so the message waits out its visibility, comes back, is seen to be
        // finished, and only then is published and deleted: never run twice, never lost.
        await rig.Until(() => !rig.Queue.Contains(messageId), "the redelivered message to be dropped");
        Assert.Single(rig.Runner.StartsOf("j1"));
        Assert.Equal("SUCCEEDED", (string?)Json(Assert.Single(rig.Queue.Finished))["status"]);
        Assert.Empty(rig.Runner.Violations);
        await Stop(rig, second, resumed);
    }

    [Fact]
    public async Task Resumed_attempt_without_a_recorded_command_is_given_back_without_spending_budget()
    {
        var rig = WorkerRig.Create();
        var messageId = rig.Submit(WorkerRig.Body("j1", retry: 0));
        var claimed = new JobRecord
        {
            JobId = "j1",
            Queue = WorkerRig.QueueName,
            Status = JobStatus.Running,
            Attempts = 1,
            Worker = "w1",
            LeaseOwner = "w1",
            LeaseExpiresAt = rig.Now + TimeSpan.FromMinutes(2),
            Body = WorkerRig.Body("j1", retry: 0),
            CreatedAt = rig.Now,
            StartedAt = rig.Now,
            UpdatedAt = rig.Now,
            Version = 1,
        };
        Assert.True(await rig.Ledger.TryWriteAsync(null, claimed, CancellationToken.None));
        var loop = rig.NewLoop();
        loop.Resume(claimed);
        using var host = new CancellationTokenSource();
        var run = rig.Start(loop, host.Token);

        await rig.Until(() => rig.Ledger["j1"]!.IsTerminal, "the job to run again and finish");

        var record = rig.Ledger["j1"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.Equal(1, record.Interruptions);
        Assert.Equal(0, record.Failures);
        Assert.Equal(2, record.Attempts);
        Assert.Single(rig.Runner.StartsOf("j1"));
        await rig.Until(() => !rig.Queue.Contains(messageId), "the message to be deleted");
        await Stop(rig, host, run);
    }

    [Fact]
    public void Resume_refuses_a_job_this_worker_does_not_hold()
    {
        var rig = WorkerRig.Create();
        var loop = rig.NewLoop();
        var other = new JobRecord { JobId = "j1", Queue = WorkerRig.QueueName, Status = JobStatus.Running, LeaseOwner = "w2" };

        var error = Assert.Throws<ArgumentException>(() => loop.Resume(other));
        Assert.Contains("held by w2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_stopping_while_idle_returns_without_terminating()
    {
        var rig = WorkerRig.Create();
        using var host = new CancellationTokenSource();
        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Advance(TimeSpan.FromSeconds(30));

        host.Cancel();
        await rig.Until(() => run.IsCompleted, "the loop to return", maxSteps: 0);

        Assert.Equal("HostStopping", (await run).Reason);
        Assert.Empty(rig.Fleet.Terminations);
    }

    [Fact]
    public async Task Ledger_and_queue_errors_do_not_crash_the_loop()
    {
        var rig = WorkerRig.Create();
        rig.Queue.FailNext("receive", 2);
        rig.Ledger.FailNextGets(1);
        rig.Submit(WorkerRig.Body("j1"));
        using var host = new CancellationTokenSource();

        var run = rig.Start(rig.NewLoop(), host.Token);
        await rig.Until(() => rig.Ledger["j1"]?.IsTerminal == true, "j1 to end", maxSteps: 600);

        Assert.False(run.IsCompleted);
        Assert.Equal(JobStatus.Succeeded, rig.Ledger["j1"]!.Status);
        Assert.Equal(1, rig.Ledger["j1"]!.Attempts);
        Assert.Equal(["receive", "receive", "handle job"], rig.Observer.Errors.Select(e => e.Operation));
        Assert.Equal("HostStopping", (await Stop(rig, host, run)).Reason);
        Assert.Empty(rig.Fleet.Terminations);
    }

    [Fact]
    public async Task Five_errors_in_a_row_retire_the_worker_as_unhealthy()
    {
        var rig = WorkerRig.Create();
        var t0 = rig.Now;
        rig.Queue.FailNext("receive", 5);

        var run = rig.Start(rig.NewLoop(), CancellationToken.None);
        await rig.Until(() => run.IsCompleted, "the worker to retire", maxSteps: 10);

        Assert.Equal("Unhealthy", (await run).Reason);
        Assert.Equal(new TerminatedWorker("w1", "Unhealthy", t0 + TimeSpan.FromSeconds(5)), Assert.Single(rig.Fleet.Terminations));
    }

    [Fact]
    public async Task Terminate_is_retried_when_the_fleet_fails()
    {
        var rig = WorkerRig.Create();
        var flaky = new FlakyTerminateFleet(rig.Fleet, failures: 2);
        rig.Fleet.Add("w2", TimeSpan.Zero);
        var second = new WorkerLoop("w2", rig.Ports with { Fleet = flaky }, rig.QueueSettings, rig.Pool, rig.Options, rig.Time, rig.Gate, rig.Observer);
        var run2 = rig.Start(second, CancellationToken.None);
        second.RequestDrain("Done");
        await rig.Until(() => run2.IsCompleted, "w2 to be terminated", maxSteps: 10);

        Assert.Equal("Done", (await run2).Reason);
        Assert.Equal(3, flaky.Calls);
        Assert.Equal("w2", Assert.Single(rig.Fleet.Terminations).WorkerId);
        Assert.Equal(2, rig.Observer.Errors.Count(e => e.Operation == "terminate"));
    }

    private sealed class FlakyTerminateFleet(FakeWorkerFleet inner, int failures) : IWorkerFleet
    {
        public int Calls { get; private set; }

        public Task<IReadOnlyList<WorkerInfo>> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken) => inner.LaunchAsync(request, cancellationToken);

        public Task<WorkerInfo?> DescribeAsync(string workerId, CancellationToken cancellationToken) => inner.DescribeAsync(workerId, cancellationToken);

        public Task TerminateAsync(string workerId, string reason, CancellationToken cancellationToken)
        {
            Calls++;
            return Calls <= failures ? throw new InvalidOperationException("throttled") : inner.TerminateAsync(workerId, reason, cancellationToken);
        }
    }
}
