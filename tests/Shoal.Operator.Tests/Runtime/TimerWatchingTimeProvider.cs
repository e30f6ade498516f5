using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Shoal.Operator.Tests.Runtime;

// A FakeTimeProvider that reports every finite timer created on it, so a test can wait until the code under
// test is parked in a delay before advancing time (advancing earlier would not wake it).
internal sealed class TimerWatchingTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> created = Channel.CreateUnbounded<TimeSpan>();

    public TimerWatchingTimeProvider()
        : base(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            created.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    // The due time of the next timer created (waits for it).
    public Task<TimeSpan> NextTimerAsync() => created.Reader.ReadAsync().AsTask().WaitAsync(Wait.Deadline);
}
