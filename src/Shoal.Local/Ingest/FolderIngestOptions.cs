namespace Shoal.Local.Ingest;

public sealed record FolderIngestOptions
{
    /// <summary>The watched folder; each job lives in a sub-folder of it.</summary>
    public required string Directory { get; init; }

    /// <summary>A file with this suffix, written last, turns its folder into a job (the seed's TriggerSuffix).</summary>
    public string ExecutableSuffix { get; init; } = ".sh";

    public int Retry { get; init; } = 3;

    public string? SuccessString { get; init; }

    public int? TimeoutSeconds { get; init; }
}
