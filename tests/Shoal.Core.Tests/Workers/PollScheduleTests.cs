using Shoal.Core.Workers;

namespace Shoal.Core.Tests.Workers;

public sealed class PollScheduleTests
{
    private static readonly PollSchedule Schedule = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 1)]
    [InlineData(10, 1)]
    [InlineData(20, 2)]
    [InlineData(95, 9.5)]
    [InlineData(300, 30)]
    [InlineData(600, 60)]
    [InlineData(601, 60)]
    [InlineData(12 * 3600, 60)]
    public void Short_at_first_then_a_tenth_of_elapsed_up_to_the_ceiling(double elapsedSeconds, double expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), Schedule.Next(TimeSpan.FromSeconds(elapsedSeconds)));
    }

    [Fact]
    public void Never_shrinks_as_the_job_runs_longer()
    {
        var previous = TimeSpan.Zero;
        for (var s = 0; s < 2000; s += 7)
        {
            var next = Schedule.Next(TimeSpan.FromSeconds(s));
            Assert.True(next >= previous, $"poll interval shrank at {s} s");
            Assert.InRange(next, Schedule.First, Schedule.Max);
            previous = next;
        }
    }

    [Fact]
    public void Twelve_hour_job_costs_hundreds_of_polls_not_thousands()
    {
        var elapsed = TimeSpan.Zero;
        var polls = 0;
        while (elapsed < TimeSpan.FromHours(12))
        {
            elapsed += PollSchedule.Default.Next(elapsed);
            polls++;
        }

        Assert.InRange(polls, 100, 1000);
    }
}
