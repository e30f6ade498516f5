using System.Diagnostics;

namespace Shoal.SsmDouble.Tests.Wire;

/// <summary>For what happens on another thread or process (the double's periodic check, a child process): ask again until a deadline.</summary>
internal static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"{what} did not happen within {limit}; last seen: {value}");
            }

            await Task.Delay(25);
        }
    }

    public static Task<T> PollAsync<T>(Func<T> probe, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(probe()), done, what, timeout);
}
