using Shoal.Api.V1Alpha1;
using Shoal.Operator.Controllers;

namespace Shoal.Operator.Tests.Controllers;

public sealed class ReadyConditionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Transition_time_moves_only_when_the_status_changes()
    {
        var first = ReadyCondition.With(null, false, "JobQueueNotReady", "waiting", 1, T0);
        var still = ReadyCondition.With(first, false, "JobQueueNotFound", "gone", 2, T0.AddMinutes(5));
        var flipped = ReadyCondition.With(still, true, "Scaling", "2 workers", 2, T0.AddMinutes(9));

        Assert.Equal(T0, Assert.Single(still).LastTransitionTime);
        Assert.Equal("JobQueueNotFound", still[0].Reason);
        Assert.Equal(2, still[0].ObservedGeneration);
        Assert.Equal(T0.AddMinutes(9), Assert.Single(flipped).LastTransitionTime);
        Assert.Equal(ConditionStatuses.True, flipped[0].Status);
        Assert.True(ReadyCondition.IsTrue(flipped));
        Assert.False(ReadyCondition.IsTrue(still));
    }

    [Fact]
    public void Other_conditions_are_kept()
    {
        var other = new Condition { Type = "Degraded", Status = ConditionStatuses.False, Reason = "None", LastTransitionTime = T0 };

        var next = ReadyCondition.With([other], true, "Provisioned", "ok", 3, T0);

        Assert.Equal(["Ready", "Degraded"], next.Select(c => c.Type));
        Assert.Same(other, next[1]);
    }
}
