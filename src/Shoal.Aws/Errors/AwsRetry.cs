namespace Shoal.Aws.Errors;

/// <summary>
/// Bounded retry with full jitter for throttled and transient AWS errors, on top of the SDK's own
/// short retries. Everything else is thrown at once: a capacity, permission or validation error does
/// not get better by asking again.
/// </summary>
public sealed class AwsRetry(TimeProvider time, int maxAttempts = 5, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null, Random? random = null)
{
    private readonly TimeSpan baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(200);
    private readonly TimeSpan maxDelay = maxDelay ?? TimeSpan.FromSeconds(10);
    private readonly Random random = random ?? Random.Shared;
    private long retries;

    /// <summary>How many retries were needed so far (a throttling signal for metrics and benchmarks).</summary>
    public long Retries => Interlocked.Read(ref retries);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (Exception e) when (attempt < maxAttempts && AwsErrorClassifier.Classify(e) == AwsErrorKind.Throttled && !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref retries);
                await Task.Delay(Backoff(attempt), time, cancellationToken);
            }
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(async ct =>
        {
            await call(ct);
            return true;
        }, cancellationToken);

    /// <summary>Full jitter: uniform in [0, min(max, base × 2^(attempt-1))].</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(maxDelay.Ticks, baseDelay.Ticks * (1L << Math.Min(attempt - 1, 20)));
        double fraction;
        lock (random)
        {
            fraction = random.NextDouble();
        }

        return TimeSpan.FromTicks((long)(ceiling * fraction));
    }
}
