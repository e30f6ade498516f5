using System.Diagnostics;

namespace Shoal.Aws.Tests.Support;

/// <summary>
/// For what happens on another thread or process (moto, a child process, a server's own timer): ask again
/// until a deadline. Unit tests drive time with FakeTimeProvider instead. Linked into the other test
/// projects that need it, so there is one of these.
/// </summary>
public static class Eventually
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

    public static Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null) =>
        UntilAsync(probe, done => done, what, timeout);

    public static Task TrueAsync(Func<bool> probe, string what, TimeSpan? timeout = null) =>
        PollAsync(probe, done => done, what, timeout);
}
