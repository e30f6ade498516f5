using Shoal.SsmDouble.Model;
using Shoal.SsmDouble.Scripts;

namespace Shoal.SsmDouble.Tests.Model;

/// <summary>The status model alone: an invocation's state is a function of time and of what happened to it.</summary>
public sealed class InvocationTests
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(1);

    [Fact]
    public void Pending_until_delivered_then_InProgress_then_Success_with_the_output_only_at_the_end()
    {
        var invocation = Create(["echo hi", "sleep 10", "echo bye"]);

        Assert.Equal(("Pending", -1, "", (DateTimeOffset?)null), Brief(invocation.StateAt(Sent)));
        Assert.Equal(("InProgress", -1, "", (DateTimeOffset?)null), Brief(invocation.StateAt(Sent + Delivery)));
        Assert.Equal(Sent + Delivery, invocation.StateAt(Sent + Delivery).Started);
        Assert.Equal("InProgress", invocation.StateAt(Sent + Delivery + TimeSpan.FromSeconds(9.999)).Status);

        var done = invocation.StateAt(Sent + Delivery + TimeSpan.FromSeconds(10));
        Assert.Equal(("Success", 0, "hi\nbye\n", (DateTimeOffset?)(Sent + Delivery + TimeSpan.FromSeconds(10))), Brief(done));
        Assert.Equal("Success", done.StatusDetails);
        Assert.Equal(done, invocation.StateAt(Sent + TimeSpan.FromDays(3)));
    }

    [Fact]
    public void A_nonzero_exit_is_Failed_with_that_response_code()
    {
        var state = Create(["echo oops", "exit 3"]).StateAt(Sent + Delivery);

        Assert.Equal(("Failed", 3, "oops\n", (DateTimeOffset?)(Sent + Delivery)), Brief(state));
        Assert.Equal("Failed", state.StatusDetails);
    }

    [Fact]
    public void Running_past_executionTimeout_is_TimedOut_with_the_agent_s_kill_code_and_the_output_so_far()
    {
        var invocation = Create(["echo a", "sleep 5", "echo b", "sleep 100", "echo c"], executionTimeout: TimeSpan.FromSeconds(60));

        var state = invocation.StateAt(Sent + Delivery + TimeSpan.FromSeconds(60));

        Assert.Equal(("TimedOut", 137, "a\nb\n", (DateTimeOffset?)(Sent + Delivery + TimeSpan.FromSeconds(60))), Brief(state));
        Assert.Equal("ExecutionTimedOut", state.StatusDetails);
        Assert.Equal("InProgress", invocation.StateAt(Sent + Delivery + TimeSpan.FromSeconds(59)).Status);
    }

    [Fact]
    public void A_script_that_ends_exactly_at_its_timeout_has_finished()
    {
        var state = Create(["sleep 60"], executionTimeout: TimeSpan.FromSeconds(60)).StateAt(Sent + TimeSpan.FromHours(1));

        Assert.Equal("Success", state.Status);
    }

    [Fact]
    public void The_agent_reads_a_script_s_own_exit_137_as_a_timeout()
    {
        var state = Create(["exit 137"]).StateAt(Sent + Delivery);

        Assert.Equal(("TimedOut", "ExecutionTimedOut", 137), (state.Status, state.StatusDetails, state.ResponseCode));
    }

    [Fact]
    public void Cancelled_while_running_keeps_the_output_so_far_and_the_kill_code()
    {
        var invocation = Create(["echo started", "sleep infinity"]);
        var at = Sent + Delivery + TimeSpan.FromSeconds(30);

        invocation.Cancel(at);

        Assert.Equal("InProgress", invocation.StateAt(at - TimeSpan.FromTicks(1)).Status);
        Assert.Equal(("Cancelled", 137, "started\n", (DateTimeOffset?)at), Brief(invocation.StateAt(at)));
    }

    [Fact]
    public void Cancelled_while_pending_never_ran()
    {
        var invocation = Create(["echo never"]);

        invocation.Cancel(Sent);

        var state = invocation.StateAt(Sent + TimeSpan.FromMinutes(1));
        Assert.Equal(("Cancelled", -1, "", (DateTimeOffset?)Sent), Brief(state));
        Assert.Null(state.Started);
    }

    [Fact]
    public void Cancelling_a_finished_invocation_changes_nothing()
    {
        var invocation = Create(["exit 2"]);

        invocation.Cancel(Sent + TimeSpan.FromMinutes(1));

        Assert.Equal(("Failed", 2), (invocation.StateAt(Sent + TimeSpan.FromMinutes(2)).Status, invocation.StateAt(Sent + TimeSpan.FromMinutes(2)).ResponseCode));
    }

    [Fact]
    public void A_lost_instance_leaves_the_invocation_InProgress_until_delivery_plus_execution_timeout_then_DeliveryTimedOut()
    {
        var invocation = Create(["echo partial", "sleep 30", "echo never"], executionTimeout: TimeSpan.FromSeconds(120), deliveryTimeout: TimeSpan.FromSeconds(600));
        var lostAt = Sent + TimeSpan.FromSeconds(10);

        invocation.MarkLost(lostAt, lostTimeout: null);

        // Past the script's own end (31 s): its agent is gone, so nothing is ever reported.
        Assert.True(invocation.IsLost);
        Assert.Equal("InProgress", invocation.StateAt(Sent + TimeSpan.FromSeconds(719)).Status);
        var end = invocation.StateAt(Sent + TimeSpan.FromSeconds(720));
        Assert.Equal(("TimedOut", -1, "", (DateTimeOffset?)(Sent + TimeSpan.FromSeconds(720))), Brief(end));
        Assert.Equal("DeliveryTimedOut", end.StatusDetails);
        Assert.Equal(Sent + Delivery, end.Started);
    }

    [Fact]
    public void A_lost_timeout_ends_a_lost_invocation_that_long_after_it_was_noticed()
    {
        var invocation = Create(["sleep 30"]);
        var lostAt = Sent + TimeSpan.FromSeconds(10);

        invocation.MarkLost(lostAt, TimeSpan.FromSeconds(5));

        Assert.Equal("InProgress", invocation.StateAt(lostAt + TimeSpan.FromSeconds(4)).Status);
        Assert.Equal(("TimedOut", "DeliveryTimedOut"), (invocation.StateAt(lostAt + TimeSpan.FromSeconds(5)).Status, invocation.StateAt(lostAt + TimeSpan.FromSeconds(5)).StatusDetails));
    }

    [Fact]
    public void An_instance_lost_after_the_script_finished_changes_nothing()
    {
        var invocation = Create(["echo done"]);

        invocation.MarkLost(Sent + TimeSpan.FromMinutes(5), TimeSpan.Zero);

        Assert.False(invocation.IsLost);
        Assert.Equal("Success", invocation.StateAt(Sent + TimeSpan.FromMinutes(6)).Status);
    }

    [Fact]
    public void A_cancel_cannot_reach_a_lost_agent_so_the_invocation_stays_Cancelling_until_its_timeout()
    {
        var invocation = Create(["sleep 300"], executionTimeout: TimeSpan.FromSeconds(100), deliveryTimeout: TimeSpan.FromSeconds(60));
        invocation.MarkLost(Sent + TimeSpan.FromSeconds(5), lostTimeout: null);

        invocation.Cancel(Sent + TimeSpan.FromSeconds(6));

        Assert.Equal("Cancelling", invocation.StateAt(Sent + TimeSpan.FromSeconds(159)).Status);
        Assert.Equal("DeliveryTimedOut", invocation.StateAt(Sent + TimeSpan.FromSeconds(160)).StatusDetails);
    }

    [Fact]
    public void The_output_upload_is_started_once_however_often_it_is_asked_for()
    {
        var invocation = Create(["echo x"]);
        var starts = 0;

        var first = invocation.UploadOnce(() => { starts++; return Task.CompletedTask; });
        var second = invocation.UploadOnce(() => { starts++; return Task.CompletedTask; });

        Assert.Same(first, second);
        Assert.Equal(1, starts);
    }

    private static (string Status, int Code, string Stdout, DateTimeOffset? Ended) Brief(InvocationState state) =>
        (state.Status, state.ResponseCode, state.Stdout, state.Ended);

    private static Invocation Create(IReadOnlyList<string> commands, TimeSpan? executionTimeout = null, TimeSpan? deliveryTimeout = null) => new()
    {
        CommandId = "c-1",
        InstanceId = "i-1",
        DocumentName = "AWS-RunShellScript",
        Commands = commands,
        Parameters = new Dictionary<string, IReadOnlyList<string>> { ["commands"] = commands },
        Plan = ShellScript.Plan(commands),
        SentAt = Sent,
        DeliveredAt = Sent + Delivery,
        ExecutionTimeout = executionTimeout ?? TimeSpan.FromHours(1),
        DeliveryTimeout = deliveryTimeout ?? TimeSpan.FromMinutes(10),
    };
}
