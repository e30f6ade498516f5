namespace Shoal.Core.Jobs;

/// <summary>What a JobQueue supplies when a message leaves a field out.</summary>
public sealed record JobDefaults
{
    public int Retry { get; init; } = 3;

    public string? SuccessString { get; init; }

    public Platform Platform { get; init; } = Platform.Linux;

    /// <summary>Null means the platform's shell document.</summary>
    public string? Document { get; init; }

    public int? TimeoutSeconds { get; init; }

    public string DocumentFor() => Document ?? (Platform == Platform.Windows ? "AWS-RunPowerShellScript" : "AWS-RunShellScript");
}
