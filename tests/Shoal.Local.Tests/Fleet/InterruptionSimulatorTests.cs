using Shoal.Local.Fleet;

namespace Shoal.Local.Tests.Fleet;

public sealed class InterruptionSimulatorTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    private static List<TimeSpan?> Draw(double probability, int seed, int count = 500)
    {
        var simulator = new InterruptionSimulator(probability, seed, Window);
        return Enumerable.Range(0, count).Select(_ => simulator.Next()).ToList();
    }

    [Fact]
    public void Same_seed_replays_the_same_decisions_and_moments()
    {
        var first = Draw(0.3, seed: 42);
        var second = Draw(0.3, seed: 42);

        Assert.Equal(first, second);
        Assert.Contains(first, d => d is null);
        Assert.Contains(first, d => d is not null);
    }

    [Fact]
    public void Different_seeds_give_different_decisions()
    {
        Assert.NotEqual(Draw(0.5, seed: 1), Draw(0.5, seed: 2));
    }

    [Fact]
    public void Probability_zero_never_interrupts()
    {
        Assert.All(Draw(0, seed: 3), d => Assert.Null(d));
    }

    [Fact]
    public void Probability_one_always_interrupts_within_the_window()
    {
        Assert.All(Draw(1.0, seed: 3), d =>
        {
            Assert.NotNull(d);
            Assert.InRange(d.Value, TimeSpan.Zero, Window);
        });
    }

    [Fact]
    public void Share_of_interrupted_attempts_follows_the_probability()
    {
        var hits = Draw(0.25, seed: 9, count: 4000).Count(d => d is not null);

        Assert.InRange(hits, 800, 1200);
    }
}
