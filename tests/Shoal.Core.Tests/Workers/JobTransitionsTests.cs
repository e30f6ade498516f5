using Shoal.Core.Jobs;
using Shoal.Core.Workers;

namespace Shoal.Core.Tests.Workers;

public sealed class JobTransitionsTests
{
    private const string Queue = "jobs";
    private const string Body = """{"job_id": "j1", "retry": "2", "commands": ["x"]}""";
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private static JobSpec Spec(int retry = 2) => new() { JobId = "j1", Retry = retry, Document = "AWS-RunShellScript", Commands = ["x"] };

    private static JobRecord ClaimFresh(string worker = "w1", int retry = 2, DateTimeOffset? at = null)
    {
        var decision = JobTransitions.Claim(null, Queue, Spec(retry), Body, worker, at ?? T0, Lease, 10);
        Assert.Equal(ClaimKind.Claimed, decision.Kind);
        return decision.Next!;
    }

    [Fact]
    public void Claim_of_an_absent_job_creates_a_running_record_at_version_one()
    {
        var decision = JobTransitions.Claim(null, Queue, Spec(), Body, "w1", T0, Lease, 10);

        Assert.Equal(ClaimKind.Claimed, decision.Kind);
        Assert.Null(decision.Existing);
        var next = decision.Next!;
        Assert.Equal("j1", next.JobId);
        Assert.Equal(Queue, next.Queue);
        Assert.Equal(JobStatus.Running, next.Status);
        Assert.Equal(1, next.Version);
        Assert.Equal(1, next.Attempts);
        Assert.Equal(0, next.Failures);
        Assert.Equal(0, next.Interruptions);
        Assert.Equal(2, next.Retry);
        Assert.Equal("w1", next.Worker);
        Assert.Equal("w1", next.LeaseOwner);
        Assert.Equal(T0 + Lease, next.LeaseExpiresAt);
        Assert.Equal(T0, next.StartedAt);
        Assert.Equal(T0, next.CreatedAt);
        Assert.Equal(Body, next.Body);
        Assert.Null(next.CommandId);
    }

    [Fact]
    public void Claim_of_a_queued_job_takes_the_next_version_and_keeps_its_counts()
    {
        var queued = JobTransitions.Registered(Queue, Spec(), Body, T0) with { Attempts = 2, Failures = 1, Interruptions = 1, Version = 5 };

        var decision = JobTransitions.Claim(queued, Queue, Spec(), Body, "w2", T0.AddMinutes(1), Lease, 10);

        Assert.Equal(ClaimKind.Claimed, decision.Kind);
        Assert.Same(queued, decision.Existing);
        Assert.Equal(6, decision.Next!.Version);
        Assert.Equal(3, decision.Next.Attempts);
        Assert.Equal(1, decision.Next.Failures);
        Assert.Equal(1, decision.Next.Interruptions);
        Assert.Equal("w2", decision.Next.LeaseOwner);
        Assert.Equal(T0, decision.Next.CreatedAt);
    }

    [Fact]
    public void Claim_while_another_worker_holds_a_live_lease_is_refused()
    {
        var running = ClaimFresh("w1");

        var decision = JobTransitions.Claim(running, Queue, Spec(), Body, "w2", T0 + Lease - TimeSpan.FromTicks(1), Lease, 10);

        Assert.Equal(ClaimKind.HeldByOther, decision.Kind);
        Assert.Same(running, decision.Existing);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void Claim_after_the_lease_expired_counts_an_interruption_not_a_failure()
    {
        var running = ClaimFresh("w1");

        var decision = JobTransitions.Claim(running, Queue, Spec(), Body, "w2", T0 + Lease, Lease, 10);

        Assert.Equal(ClaimKind.Claimed, decision.Kind);
        var next = decision.Next!;
        Assert.Equal(2, next.Version);
        Assert.Equal(2, next.Attempts);
        Assert.Equal(1, next.Interruptions);
        Assert.Equal(0, next.Failures);
        Assert.Equal("w2", next.LeaseOwner);
        Assert.Equal(T0 + Lease + Lease, next.LeaseExpiresAt);
        Assert.Equal(JobReasons.WorkerLost, next.Reason);
        Assert.Contains("worker w1 stopped renewing its lease during attempt 1", next.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(JobStatus.Succeeded)]
    [InlineData(JobStatus.Failed)]
    public void Claim_of_a_terminal_job_is_refused(JobStatus status)
    {
        var done = ClaimFresh() with { Status = status, LeaseOwner = null, LeaseExpiresAt = null, Version = 3 };

        var decision = JobTransitions.Claim(done, Queue, Spec(), Body, "w2", T0.AddHours(1), Lease, 10);

        Assert.Equal(ClaimKind.AlreadyTerminal, decision.Kind);
        Assert.Same(done, decision.Existing);
        Assert.Null(decision.Next);
    }

    [Fact]
    public void Expired_lease_beyond_the_infrastructure_cap_fails_the_job_for_good()
    {
        var running = ClaimFresh() with { Interruptions = 3, Attempts = 4, Version = 9 };

        var decision = JobTransitions.Claim(running, Queue, Spec(), Body, "w2", T0 + Lease, Lease, maxInterruptions: 3);

        Assert.Equal(ClaimKind.InfrastructureExhausted, decision.Kind);
        var next = decision.Next!;
        Assert.Equal(JobStatus.Failed, next.Status);
        Assert.Equal(JobReasons.InfrastructureRetriesExhausted, next.Reason);
        Assert.Equal(4, next.Interruptions);
        Assert.Equal(4, next.Attempts);
        Assert.Equal(0, next.Failures);
        Assert.Equal(10, next.Version);
        Assert.Null(next.LeaseOwner);
        Assert.Equal(T0 + Lease, next.FinishedAt);
        Assert.StartsWith("lost 4 attempts to infrastructure failures (limit 3)", next.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expired_lease_at_the_cap_is_still_claimed()
    {
        var running = ClaimFresh() with { Interruptions = 2 };

        Assert.Equal(ClaimKind.Claimed, JobTransitions.Claim(running, Queue, Spec(), Body, "w2", T0 + Lease, Lease, maxInterruptions: 3).Kind);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Retry_n_allows_exactly_n_plus_one_failing_attempts(int retry)
    {
        var record = ClaimFresh(retry: retry);
        var failing = 0;
        while (true)
        {
            failing++;
            var version = record.Version;
            record = JobTransitions.Failed(record, JobReasons.NonZeroExit, "exit code 1", 1, "tail", T0.AddMinutes(failing));
            Assert.Equal(version + 1, record.Version);
            Assert.Equal(failing, record.Failures);
            Assert.Null(record.LeaseOwner);
            Assert.Null(record.LeaseExpiresAt);
            Assert.Equal(1, record.ExitCode);
            Assert.Equal("tail", record.OutputTail);
            if (record.IsTerminal)
            {
                break;
            }

            Assert.Equal(JobStatus.Queued, record.Status);
            Assert.Equal(JobReasons.NonZeroExit, record.Reason);
            Assert.Contains("will retry", record.Message, StringComparison.Ordinal);
            var claim = JobTransitions.Claim(record, Queue, Spec(retry), Body, "w1", T0.AddMinutes(failing), Lease, 10);
            Assert.Equal(ClaimKind.Claimed, claim.Kind);
            record = claim.Next!;
        }

        Assert.Equal(retry + 1, failing);
        Assert.Equal(JobStatus.Failed, record.Status);
        Assert.Equal(JobReasons.NonZeroExit, record.Reason);
        Assert.Equal(retry + 1, record.Attempts);
        Assert.Equal($"exit code 1; failed {retry + 1} of {retry + 1} allowed attempts (retry {retry})", record.Message);
        Assert.NotNull(record.FinishedAt);
    }

    [Fact]
    public void Interrupted_never_spends_failures_and_fails_only_beyond_its_own_cap()
    {
        var record = ClaimFresh(retry: 0);
        for (var i = 1; i <= 3; i++)
        {
            var version = record.Version;
            record = JobTransitions.Interrupted(record, JobReasons.Interrupted, "spot reclaim", maxInterruptions: 3, T0.AddMinutes(i));
            Assert.Equal(version + 1, record.Version);
            Assert.Equal(JobStatus.Queued, record.Status);
            Assert.Equal(0, record.Failures);
            Assert.Equal(i, record.Interruptions);
            Assert.Equal(JobReasons.Interrupted, record.Reason);
            record = JobTransitions.Claim(record, Queue, Spec(0), Body, "w1", T0.AddMinutes(i), Lease, 3).Next!;
        }

        record = JobTransitions.Interrupted(record, JobReasons.WorkerLost, "gone", maxInterruptions: 3, T0.AddHours(1));

        Assert.Equal(JobStatus.Failed, record.Status);
        Assert.Equal(JobReasons.InfrastructureRetriesExhausted, record.Reason);
        Assert.Equal(0, record.Failures);
        Assert.Equal(4, record.Interruptions);
        Assert.Equal(4, record.Attempts);
        Assert.Contains("last: WorkerLost: gone", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Renewed_extends_the_lease_keeps_the_command_and_bumps_the_version()
    {
        var running = ClaimFresh();
        var withCommand = JobTransitions.Renewed(running, T0.AddSeconds(1), Lease, "cmd-1");
        var renewed = JobTransitions.Renewed(withCommand, T0.AddSeconds(40), Lease);

        Assert.Equal(running.Version + 1, withCommand.Version);
        Assert.Equal("cmd-1", withCommand.CommandId);
        Assert.Equal(running.Version + 2, renewed.Version);
        Assert.Equal("cmd-1", renewed.CommandId);
        Assert.Equal(T0.AddSeconds(40) + Lease, renewed.LeaseExpiresAt);
        Assert.Equal(JobStatus.Running, renewed.Status);
        Assert.Equal(running.Attempts, renewed.Attempts);
    }

    [Fact]
    public void Revoked_lease_lets_the_next_claim_take_over_at_once_as_an_interruption()
    {
        var running = ClaimFresh("w1");
        var at = T0.AddSeconds(10);

        var revoked = JobTransitions.LeaseRevoked(running, at);
        Assert.Equal(running.Version + 1, revoked.Version);
        Assert.Equal(at, revoked.LeaseExpiresAt);
        Assert.Equal(JobStatus.Running, revoked.Status);
        Assert.Equal(ClaimKind.HeldByOther, JobTransitions.Claim(running, Queue, Spec(), Body, "w2", at, Lease, 10).Kind);

        var decision = JobTransitions.Claim(revoked, Queue, Spec(), Body, "w2", at, Lease, 10);
        Assert.Equal(ClaimKind.Claimed, decision.Kind);
        Assert.Equal((2, 1, 0), (decision.Next!.Attempts, decision.Next.Interruptions, decision.Next.Failures));
    }

    [Fact]
    public void Succeeded_is_terminal_with_exit_code_and_tail()
    {
        var done = JobTransitions.Succeeded(ClaimFresh(), 0, "Hello", T0.AddSeconds(5));

        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(JobReasons.Succeeded, done.Reason);
        Assert.Equal(2, done.Version);
        Assert.Equal(0, done.ExitCode);
        Assert.Equal("Hello", done.OutputTail);
        Assert.Equal(T0.AddSeconds(5), done.FinishedAt);
        Assert.Null(done.LeaseOwner);
        Assert.Equal("attempt 1 succeeded", done.Message);
    }

    [Fact]
    public void Invalid_is_terminal_at_once_with_the_raw_body_and_a_trimmed_message()
    {
        var errors = new string('e', 1000);
        var record = JobTransitions.Invalid(null, Queue, "bad", "not json", errors, T0);

        Assert.Equal(JobStatus.Failed, record.Status);
        Assert.Equal(JobReasons.InvalidJob, record.Reason);
        Assert.Equal("not json", record.Body);
        Assert.Equal(1, record.Version);
        Assert.Equal(0, record.Attempts);
        Assert.Equal(JobTransitions.MaxMessageLength, record.Message!.Length);
        Assert.EndsWith("...", record.Message, StringComparison.Ordinal);

        var over = JobTransitions.Invalid(record with { Status = JobStatus.Queued }, Queue, "bad", "x", "e", T0.AddDays(1));
        Assert.Equal(2, over.Version);
        Assert.Equal(T0, over.CreatedAt);
    }
}
