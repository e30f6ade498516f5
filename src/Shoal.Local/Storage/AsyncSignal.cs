namespace Shoal.Local.Storage;

// A broadcast wake-up: every waiter that took Current before a Pulse is released by it. Waiters take
// Current before they look at the database, so a pulse between their look and their wait is not lost.
internal sealed class AsyncSignal
{
    private TaskCompletionSource _next = NewSource();

    public Task Current => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    // Continuations run on the pool, not inside the sender's Pulse (which may hold the database gate).
    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
