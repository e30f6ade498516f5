using Shoal.Operator.Controllers;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Tests.Controllers;

public sealed class StatusCoalescerTests
{
    [Fact]
    public void A_burst_of_reports_becomes_one_delayed_reconcile_until_it_is_taken()
    {
        var enqueued = new List<(ResourceKey Key, TimeSpan Delay)>();
        var coalescer = new StatusCoalescer(TimeSpan.FromSeconds(1)) { Enqueue = (k, d) => enqueued.Add((k, d)) };
        var a = new ResourceKey("default", "pool-i-1");
        var b = new ResourceKey("default", "pool-i-2");

        for (var i = 0; i < 50; i++)
        {
            coalescer.Poke(a);
        }

        coalescer.Poke(b);
        Assert.Equal([(a, TimeSpan.FromSeconds(1)), (b, TimeSpan.FromSeconds(1))], enqueued);

        coalescer.Taken(a);
        coalescer.Poke(a);
        coalescer.Poke(b);
        Assert.Equal(3, enqueued.Count);
        Assert.Equal(a, enqueued[2].Key);
    }
}
