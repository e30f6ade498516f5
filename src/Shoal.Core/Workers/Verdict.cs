namespace Shoal.Core.Workers;

/// <summary>How an attempt ended, judged by the engine from the runner's report and the job's rules.</summary>
internal sealed record Verdict(VerdictKind Kind, string Reason, string Message)
{
    public static Verdict Success { get; } = new(VerdictKind.Success, Jobs.JobReasons.Succeeded, "succeeded");

    public static Verdict JobFailure(string reason, string message) => new(VerdictKind.JobFailure, reason, message);

    public static Verdict Infrastructure(string reason, string message) => new(VerdictKind.Infrastructure, reason, message);
}
