namespace Shoal.Core.Jobs;

/// <summary>CamelCase reasons recorded on jobs; stable strings that users and dashboards match on.</summary>
public static class JobReasons
{
    public const string Succeeded = "Succeeded";
    public const string InvalidJob = "InvalidJob";
    public const string NonZeroExit = "NonZeroExit";
    public const string SuccessStringNotFound = "SuccessStringNotFound";
    public const string TimedOut = "TimedOut";
    public const string Cancelled = "Cancelled";
    public const string RetriesExhausted = "RetriesExhausted";
    public const string InfrastructureRetriesExhausted = "InfrastructureRetriesExhausted";
    public const string Interrupted = "Interrupted";
    public const string WorkerLost = "WorkerLost";
    public const string Undeliverable = "Undeliverable";
    public const string OutputUnreadable = "OutputUnreadable";
}
