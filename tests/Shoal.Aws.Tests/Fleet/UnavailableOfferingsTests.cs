using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Fleet;

namespace Shoal.Aws.Tests.Fleet;

public sealed class UnavailableOfferingsTests
{
    [Fact]
    public void An_offering_is_unavailable_for_the_ttl_and_only_for_its_type_zone_and_capacity()
    {
        var time = new FakeTimeProvider();
        var offerings = new UnavailableOfferings(time, TimeSpan.FromMinutes(3));

        offerings.MarkUnavailable("m5.large", "us-east-1a", "spot");

        Assert.True(offerings.IsUnavailable("m5.large", "us-east-1a", "spot"));
        Assert.False(offerings.IsUnavailable("m5.large", "us-east-1b", "spot"));
        Assert.False(offerings.IsUnavailable("m5.large", "us-east-1a", "on-demand"));
        Assert.False(offerings.IsUnavailable("m5a.large", "us-east-1a", "spot"));

        time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromTicks(1));
        Assert.True(offerings.IsUnavailable("m5.large", "us-east-1a", "spot"));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.False(offerings.IsUnavailable("m5.large", "us-east-1a", "spot"));
        Assert.Empty(offerings.Current());
    }

    [Fact]
    public void Marking_again_extends_the_ttl()
    {
        var time = new FakeTimeProvider();
        var offerings = new UnavailableOfferings(time);

        offerings.MarkUnavailable("m5.large", "us-east-1a", "spot");
        time.Advance(TimeSpan.FromMinutes(2));
        offerings.MarkUnavailable("m5.large", "us-east-1a", "spot");
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal([("m5.large", "us-east-1a", "spot")], offerings.Current());
    }
}
