namespace Shoal.Operator.Tests.Runtime;

// Deadlines for awaiting work on other threads: a test that waits longer than this has failed, it never
// sleeps on purpose.
internal static class Wait
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Deadline);

    public static Task Within(this Task task) => task.WaitAsync(Deadline);
}
