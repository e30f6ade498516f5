namespace Shoal.Aws.Queue;

/// <summary>SQS's own limits; a request beyond them is rejected, so values are clamped to them first.</summary>
internal static class SqsLimits
{
    public const int MaxBatch = 10;

    public const int MaxWaitSeconds = 20;

    public const int MaxDelaySeconds = 900;

    /// <summary>
    /// 12 hours, counted from the receive: no visibility change may take a message past it. Longer jobs
    /// rely on the engine's ledger lease (see WorkerLoop, ClaimKind.HeldByOther).
    /// </summary>
    public const int MaxVisibilitySeconds = 43_200;

    /// <summary>Seconds for SQS from a span, rounded up so a positive span never becomes zero, then clamped.</summary>
    public static int Seconds(TimeSpan span, int max)
    {
        if (span <= TimeSpan.Zero)
        {
            return 0;
        }

        var seconds = Math.Ceiling(span.TotalSeconds);
        return seconds >= max ? max : (int)seconds;
    }
}
