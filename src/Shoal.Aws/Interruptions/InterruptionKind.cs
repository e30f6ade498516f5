namespace Shoal.Aws.Interruptions;

public enum InterruptionKind
{
    /// <summary>"EC2 Spot Instance Interruption Warning": the instance goes in two minutes.</summary>
    SpotInterruption,

    /// <summary>"EC2 Instance Rebalance Recommendation": elevated risk of interruption.</summary>
    Rebalance,

    /// <summary>"EC2 Instance State-change Notification".</summary>
    StateChange,

    /// <summary>"AWS Health Event" of category scheduledChange for EC2: a retirement or maintenance.</summary>
    ScheduledChange,
}
