namespace Shoal.Core.Jobs;

/// <summary>
/// Either a job or the reason the message is poison. JobId is whatever id could be salvaged from a
/// broken message (null when none), so the failure can be recorded under the submitter's own name.
/// </summary>
public sealed record JobParseResult
{
    public JobSpec? Job { get; init; }

    public string? JobId { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];

    public bool IsValid => Job is not null;

    public string ErrorText => string.Join("; ", Errors);
}
