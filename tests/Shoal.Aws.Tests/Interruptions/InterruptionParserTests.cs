using Shoal.Aws.Interruptions;

namespace Shoal.Aws.Tests.Interruptions;

public sealed class InterruptionParserTests
{
    [Fact]
    public void Spot_interruption_warning_interrupts_its_instance()
    {
        var e = Parse(InterruptionEvents.Spot("i-0abc"));

        Assert.Equal(InterruptionKind.SpotInterruption, e.Kind);
        Assert.Equal(["i-0abc"], e.InstanceIds);
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture), e.Time);
        Assert.Equal(InterruptionAction.Interrupt, InterruptionParser.ActionFor(e));
    }

    [Fact]
    public void Rebalance_recommendation_and_scheduled_change_drain()
    {
        Assert.Equal(InterruptionAction.Drain, InterruptionParser.ActionFor(Parse(InterruptionEvents.Rebalance("i-1"))));
        var scheduled = Parse(InterruptionEvents.Scheduled("i-1", "i-2"));
        Assert.Equal(InterruptionKind.ScheduledChange, scheduled.Kind);
        Assert.Equal(["i-1", "i-2"], scheduled.InstanceIds);
        Assert.Equal(InterruptionAction.Drain, InterruptionParser.ActionFor(scheduled));
    }

    [Theory]
    [InlineData("stopping", InterruptionAction.Interrupt)]
    [InlineData("stopped", InterruptionAction.Interrupt)]
    [InlineData("shutting-down", InterruptionAction.Interrupt)]
    [InlineData("terminated", InterruptionAction.Interrupt)]
    [InlineData("pending", InterruptionAction.None)]
    [InlineData("running", InterruptionAction.None)]
    public void State_changes_interrupt_only_when_the_instance_is_going(string state, InterruptionAction expected)
    {
        var e = Parse(InterruptionEvents.State("i-9", state));

        Assert.Equal(state, e.State);
        Assert.Equal(expected, InterruptionParser.ActionFor(e));
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"source":"aws.ec2","detail-type":"EC2 Spot Instance Interruption Warning"}""", "has no detail")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Created","detail":{}}""", "unexpected event")]
    [InlineData("""{"source":"aws.ec2","detail-type":"EC2 Spot Instance Interruption Warning","detail":{}}""", "names no instance")]
    [InlineData("""{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","detail":{"instance-id":"i-1"}}""", "without detail.state")]
    [InlineData("""{"source":"aws.health","detail-type":"AWS Health Event","detail":{"service":"RDS","eventTypeCategory":"scheduledChange"}}""", "unexpected event")]
    public void Malformed_or_foreign_events_are_rejected_with_a_reason(string body, string expected)
    {
        Assert.False(InterruptionParser.TryParse(body, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Contains(expected, error);
    }

    private static InterruptionEvent Parse(string body)
    {
        Assert.True(InterruptionParser.TryParse(body, out var parsed, out var error), error);
        return parsed!;
    }
}
