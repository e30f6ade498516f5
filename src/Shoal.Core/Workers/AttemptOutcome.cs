namespace Shoal.Core.Workers;

public enum AttemptOutcome
{
    Succeeded,

    /// <summary>The job failed and will run again: its budget was spent.</summary>
    Retrying,

    /// <summary>The job failed for good.</summary>
    Failed,

    /// <summary>The platform failed (reclaim, lost worker): requeued without spending the budget.</summary>
    Interrupted,
}
