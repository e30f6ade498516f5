using System.Net;
using Shoal.Aws.Commands;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// SendCommand has no idempotency token, so a retry after a lost answer could run an attempt twice on its
/// worker. These run against <see cref="FakeSsmApi"/>: moto never loses an answer, and its ListCommands
/// ignores filters (it is used on the wire in <see cref="SsmCommandRunnerMotoTests"/>).
/// </summary>
public sealed class SsmCommandIdempotencyTests
{
    [Fact]
    public async Task A_send_whose_answer_was_lost_is_looked_up_not_sent_again()
    {
        var rig = new RunnerRig();
        rig.Ssm.LostSendAnswers = 1;

        var handle = await rig.StartCommand(RunnerRig.Request("job-1"));

        Assert.Single(rig.Ssm.Sends);
        Assert.Single(rig.Ssm.Created);
        Assert.Equal(new CommandHandle(RunnerRig.Worker, rig.Ssm.Created[0].CommandId), handle);
        Assert.Single(rig.Ssm.Lists);
        Assert.Contains(rig.Log.Entries, e => e.Contains("instead of sending again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_send_that_never_reached_SSM_is_sent_again_after_the_lookup_finds_nothing()
    {
        var rig = new RunnerRig();
        rig.Ssm.FailedSendsBeforeSsm = 2;

        var handle = await rig.StartCommand(RunnerRig.Request("job-1"));

        Assert.Equal(3, rig.Ssm.Sends.Count);
        Assert.Equal(2, rig.Ssm.Lists.Count);
        Assert.Equal(rig.Ssm.Created.Single().CommandId, handle.CommandId);
    }

    [Fact]
    public async Task A_throttled_send_was_refused_so_it_is_sent_again_without_a_lookup()
    {
        var rig = new RunnerRig();
        rig.Ssm.ThrottledCalls = 2;

        await rig.StartCommand(RunnerRig.Request("job-1"));

        Assert.Equal(3, rig.Ssm.Sends.Count);
        Assert.Empty(rig.Ssm.Lists);
        Assert.Single(rig.Ssm.Created);
    }

    [Fact]
    public async Task When_every_retry_is_lost_a_last_look_still_finds_the_command_instead_of_reporting_it_unstarted()
    {
        // Unstarted would requeue the job while its command runs: two copies.
        var rig = new RunnerRig();
        rig.Ssm.LostSendAnswers = 1;
        rig.Ssm.ListError = new HttpRequestException("network down (scripted)");

        var pending = rig.Start(r => r.StartAsync(RunnerRig.Request("job-1"), CancellationToken.None));
        for (var i = 0; i < 200 && !pending.IsCompleted; i++)
        {
            rig.Advance(TimeSpan.FromSeconds(1));
            if (rig.Ssm.Lists.Count >= 4)
            {
                rig.Ssm.ListError = null; // the listing comes back for the last look
            }
        }

        var handle = await pending;
        Assert.Single(rig.Ssm.Sends);
        Assert.Equal(rig.Ssm.Created.Single().CommandId, handle.CommandId);
    }

    [Fact]
    public async Task What_remains_a_listing_that_lags_the_send_misses_the_command_and_the_attempt_is_sent_twice()
    {
        // Documented gap: ListCommands is eventually consistent. The engine works with the second command;
        // the first runs too, on the same worker (no other worker can claim the job while the lease holds).
        // A later FindAsync sees both and cancels the second.
        var rig = new RunnerRig();
        rig.Ssm.LostSendAnswers = 1;
        rig.Ssm.ListLagsBy = 1;

        var handle = await rig.StartCommand(RunnerRig.Request("job-1"));

        Assert.Equal(2, rig.Ssm.Created.Count);
        Assert.Equal(rig.Ssm.Created[1].CommandId, handle.CommandId);

        rig.Ssm.ListLagsBy = 0;
        var found = await rig.Run(r => r.FindAsync(RunnerRig.Request("job-1"), rig.Time.GetUtcNow().AddMinutes(-5), CancellationToken.None));
        Assert.Equal(rig.Ssm.Created[0].CommandId, found!.CommandId);
        Assert.Equal([(rig.Ssm.Created[1].CommandId, RunnerRig.Worker)], rig.Ssm.Cancels);
    }

    [Fact]
    public async Task A_restarted_host_finds_an_attempts_command_by_job_and_attempt_and_can_wait_on_it()
    {
        var rig = new RunnerRig();
        rig.Ssm.Next = new FakeInvocationScript { Statuses = [SsmInvocationStatus.Success], Stdout = "done\n" };
        var sent = await rig.StartCommand(RunnerRig.Request("job-1") with { Attempt = 2 });
        await rig.StartCommand(RunnerRig.Request("job-1") with { Attempt = 3 });
        await rig.StartCommand(RunnerRig.Request("job-10") with { Attempt = 2 });
        var restarted = new SsmCommandRunner(rig.Ssm, rig.Outputs, rig.Options, rig.Time);

        var found = await restarted.FindAsync(RunnerRig.Request("job-1") with { Attempt = 2 }, rig.Time.GetUtcNow().AddMinutes(-1), CancellationToken.None);

        Assert.Equal(sent, found);
        Assert.Equal(CommandState.Completed, (await restarted.WaitAsync(found!, TimeSpan.Zero, CancellationToken.None)).State);
        Assert.Null(await restarted.FindAsync(RunnerRig.Request("job-1") with { Attempt = 4 }, rig.Time.GetUtcNow().AddMinutes(-1), CancellationToken.None));
        Assert.Null(await restarted.FindAsync(RunnerRig.Request("job-1") with { Attempt = 2, Document = "AWS-RunPowerShellScript" }, rig.Time.GetUtcNow().AddMinutes(-1), CancellationToken.None));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "InternalServerError", true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", true)]
    [InlineData(HttpStatusCode.BadRequest, "ThrottlingException", false)]
    [InlineData(HttpStatusCode.BadRequest, "InvalidInstanceId", false)]
    public void Only_answers_that_may_hide_a_success_call_for_a_lookup(HttpStatusCode status, string code, bool ambiguous) =>
        Assert.Equal(ambiguous, Shoal.Aws.Errors.AwsErrorClassifier.MayHaveSucceeded(FakeSsmApi.Error(code, status)));
}
