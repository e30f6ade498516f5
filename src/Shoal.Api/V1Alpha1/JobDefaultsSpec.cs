using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// What the queue supplies when a job message leaves a field out.
public sealed class JobDefaultsSpec
{
    // Re-runs after the first failed attempt: retry N gives N+1 attempts.
    [JsonPropertyName("retry")]
    public int Retry { get; set; } = SpecDefaults.Retry;

    // Null or blank means "no output check", as in the seed.
    [JsonPropertyName("successString")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SuccessString { get; set; }

    // Null means the platform's shell document (AWS-RunShellScript / AWS-RunPowerShellScript).
    [JsonPropertyName("document")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Document { get; set; }

    // Null means no limit beyond the lease.
    [JsonPropertyName("timeoutSeconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TimeoutSeconds { get; set; }

    // One of Platforms.
    [JsonPropertyName("platform")]
    public string Platform { get; set; } = SpecDefaults.Platform;
}
