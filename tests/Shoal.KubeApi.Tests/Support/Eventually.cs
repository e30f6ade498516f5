using System.Diagnostics;

namespace Shoal.KubeApi.Tests.Support;

/// <summary>Polls a condition with a deadline: for state reached by other processes (kubectl) or real timers.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? within = null)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        var limit = within ?? TimeSpan.FromSeconds(15);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"timed out after {limit.TotalSeconds} s waiting for {what}");
            }

            await Task.Delay(25);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? within = null)
        => GetAsync<object>(async () => await probe() ? new object() : null, what, within);
}
