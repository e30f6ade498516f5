using Microsoft.Extensions.Time.Testing;

namespace Shoal.Core.Tests.Fakes;

/// <summary>
/// Moves fake time forward in bounded steps. Nothing here waits on the wall clock: between steps it
/// pumps a manual context, or yields the thread pool a few times so continuations that hopped threads
/// (PoolRunner's supervisors) get to run; a test that needs more steps than allowed fails with what it
/// was waiting for.
/// </summary>
public static class Drive
{
    /// <summary>
    /// Gives thread-pool work queued by the engine a chance to run. The yields go through the pool's
    /// global queue (PreferFairness): Task.Run from a pool thread would go to that thread's local LIFO
    /// queue and run ahead of, and so starve, the engine continuations queued there before it.
    /// </summary>
    public static async Task Settle()
    {
        for (var i = 0; i < 4; i++)
        {
            await Task.Factory.StartNew(static () => Thread.Yield(), CancellationToken.None, TaskCreationOptions.PreferFairness, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Checks <paramref name="condition"/>, and while it does not hold advances the clock by
    /// <paramref name="step"/>, at most <paramref name="maxSteps"/> times. Between steps it runs
    /// <paramref name="pump"/> when given (a <see cref="ManualSynchronizationContext"/>), else yields
    /// the thread pool (<see cref="Settle"/>).
    /// </summary>
    public static async Task AdvanceUntil(this FakeTimeProvider time, Func<bool> condition, TimeSpan step, int maxSteps, string what, Action? pump = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(condition);
        var from = time.GetUtcNow();
        for (var i = 0; ; i++)
        {
            await Catch(pump);
            if (condition())
            {
                return;
            }

            if (i >= maxSteps)
            {
                Assert.Fail($"still waiting for {what} after {maxSteps} steps of {step} (fake time advanced {time.GetUtcNow() - from})");
            }

            time.Advance(step);
        }
    }

    /// <summary>Advances exactly <paramref name="total"/> in steps, settling after each.</summary>
    public static async Task AdvanceBy(this FakeTimeProvider time, TimeSpan total, TimeSpan step, Action? pump = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        var end = time.GetUtcNow() + total;
        while (time.GetUtcNow() < end)
        {
            var left = end - time.GetUtcNow();
            time.Advance(left < step ? left : step);
            await Catch(pump);
        }
    }

    private static Task Catch(Action? pump)
    {
        if (pump is null)
        {
            return Settle();
        }

        pump();
        return Task.CompletedTask;
    }
}
