namespace Shoal.Operator.Runtime;

// Done: nothing more until the next change. After(d): look again in d even without a change (polling
// something outside Kubernetes: AWS, the job table). A failure is an exception, never a result.
public readonly record struct ReconcileResult(TimeSpan? RequeueAfter)
{
    public static readonly ReconcileResult Done = new(null);

    public static ReconcileResult After(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "a requeue delay cannot be negative; use TimeSpan.Zero to requeue at once");
        }

        return new ReconcileResult(delay);
    }
}
