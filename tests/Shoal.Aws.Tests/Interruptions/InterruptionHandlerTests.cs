using Shoal.Aws.Interruptions;
using Shoal.Core.Workers;

namespace Shoal.Aws.Tests.Interruptions;

public sealed class InterruptionHandlerTests
{
    private readonly RecordingSignals workers = new("i-ours", "i-also-ours");

    [Fact]
    public void Spot_warning_for_our_worker_interrupts_it()
    {
        Assert.Equal(InterruptionOutcome.Handled, new InterruptionHandler(workers).Handle(InterruptionEvents.Spot("i-ours")));

        Assert.Equal([("interrupt", "i-ours", "SpotInterruption")], workers.Signals);
    }

    [Fact]
    public void A_spot_warning_marks_the_offering_before_the_worker_is_interrupted_and_nothing_else_does()
    {
        var order = new List<string>();
        var signals = new RecordingSignals("i-ours", "i-also-ours") { OnSignal = order.Add };
        var offerings = new RecordingOfferings(order);
        var handler = new InterruptionHandler(signals, offerings: offerings);

        handler.Handle(InterruptionEvents.Spot("i-ours"));
        handler.Handle(InterruptionEvents.Rebalance("i-also-ours"));
        handler.Handle(InterruptionEvents.State("i-also-ours", "terminated"));

        Assert.Equal(["reclaimed i-ours", "interrupt i-ours", "drain i-also-ours", "interrupt i-also-ours"], order);
    }

    [Fact]
    public void Rebalance_drains_and_termination_interrupts_with_the_state_as_reason()
    {
        var handler = new InterruptionHandler(workers);

        handler.Handle(InterruptionEvents.Rebalance("i-ours"));
        handler.Handle(InterruptionEvents.State("i-also-ours", "shutting-down"));

        Assert.Equal([("drain", "i-ours", "RebalanceRecommendation"), ("interrupt", "i-also-ours", "InstanceShuttingDown")], workers.Signals);
    }

    [Fact]
    public void Events_for_instances_we_do_not_run_are_dropped()
    {
        Assert.Equal(InterruptionOutcome.NotOurs, new InterruptionHandler(workers).Handle(InterruptionEvents.Spot("i-someone-else")));
        Assert.Empty(workers.Signals);
    }

    [Fact]
    public void A_health_event_naming_several_instances_reaches_only_ours()
    {
        Assert.Equal(InterruptionOutcome.Handled, new InterruptionHandler(workers).Handle(InterruptionEvents.Scheduled("i-other", "i-ours")));
        Assert.Equal([("drain", "i-ours", "ScheduledChange")], workers.Signals);
    }

    [Fact]
    public void Running_state_is_ignored_and_malformed_is_reported()
    {
        var handler = new InterruptionHandler(workers);

        Assert.Equal(InterruptionOutcome.Ignored, handler.Handle(InterruptionEvents.State("i-ours", "running")));
        Assert.Equal(InterruptionOutcome.Malformed, handler.Handle("{"));
        Assert.Empty(workers.Signals);
    }

    private sealed class RecordingSignals(params string[] known) : IWorkerSignals
    {
        public List<(string Kind, string Worker, string Reason)> Signals { get; } = [];

        public Action<string>? OnSignal { get; init; }

        public bool Interrupt(string workerId, string reason) => Record("interrupt", workerId, reason);

        public bool Drain(string workerId, string reason) => Record("drain", workerId, reason);

        private bool Record(string kind, string worker, string reason)
        {
            if (!known.Contains(worker))
            {
                return false;
            }

            Signals.Add((kind, worker, reason));
            OnSignal?.Invoke($"{kind} {worker}");
            return true;
        }
    }

    private sealed class RecordingOfferings(List<string> order) : IReclaimedOfferings
    {
        public bool MarkReclaimed(string instanceId)
        {
            order.Add($"reclaimed {instanceId}");
            return true;
        }
    }
}
