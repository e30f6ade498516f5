using System.Text.Json.Nodes;

namespace Shoal.Core.Jobs;

/// <summary>A validated job: the seed's five fields plus Shoal's optional extensions.</summary>
public sealed record JobSpec
{
    public required string JobId { get; init; }

    /// <summary>Re-runs allowed after the first failed attempt: retry N gives N+1 attempts.</summary>
    public required int Retry { get; init; }

    /// <summary>Null when blank: blank means "no output check", as in the seed.</summary>
    public string? SuccessString { get; init; }

    public required string Document { get; init; }

    public required IReadOnlyList<string> Commands { get; init; }

    public int? TimeoutSeconds { get; init; }

    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<int> SuccessExitCodes { get; init; } = [0];

    public string? OutputS3Prefix { get; init; }

    /// <summary>Fields we do not know, kept so a re-published message loses nothing.</summary>
    public JsonObject Unknown { get; init; } = [];
}
