using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// What the queue supplies when a job message leaves a field out.
public sealed class JobDefaultsSpec
{
    [JsonPropertyName("retry")]
    [DefaultValue(SpecDefaults.Retry)]
    [Range(0, int.MaxValue)]
    [Description("Re-runs after a failed attempt: retry N allows N+1 attempts. Spot reclaims and other infrastructure failures do not count (see maxInterruptions).")]
    public int Retry { get; set; } = SpecDefaults.Retry;

    [JsonPropertyName("successString")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("Text that must occur in a job's full stdout for it to succeed. Left out or blank means no output check, as in the seed.")]
    public string? SuccessString { get; set; }

    [JsonPropertyName("document")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [RegularExpression(Patterns.NotBlank)]
    [Description("The SSM document that runs a job's commands. Left out, the platform's shell: AWS-RunShellScript on linux, AWS-RunPowerShellScript on windows.")]
    public string? Document { get; set; }

    [JsonPropertyName("timeoutSeconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Range(1, int.MaxValue)]
    [Description("How long a job may run before it is cancelled and counted as failed. Left out, no limit beyond the lease.")]
    public int? TimeoutSeconds { get; set; }

    [JsonPropertyName("platform")]
    [DefaultValue(SpecDefaults.Platform)]
    [AllowedValues(Platforms.Linux, Platforms.Windows)]
    [Description("The workers' operating system: linux or windows. Chooses the default SSM document.")]
    public string Platform { get; set; } = SpecDefaults.Platform;
}
