using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// Mirrors metav1.Condition field for field, validation included, so kubectl and tools that read
// conditions (Argo CD health, `kubectl wait --for=condition=Ready`) understand ours.
[Description("One aspect of the resource's state, as metav1.Condition.")]
public sealed class Condition
{
    [JsonPropertyName("type")]
    [Required]
    [MaxLength(316)]
    [RegularExpression(Patterns.ConditionType)]
    [Description("The aspect, in CamelCase, such as Ready.")]
    public string Type { get; set; } = "";

    [JsonPropertyName("status")]
    [Required]
    [AllowedValues(ConditionStatuses.True, ConditionStatuses.False, ConditionStatuses.Unknown)]
    [Description("True, False or Unknown.")]
    public string Status { get; set; } = ConditionStatuses.Unknown;

    [JsonPropertyName("observedGeneration")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Range(0, long.MaxValue)]
    [Description("The metadata.generation the condition was computed from; older than the resource's generation means stale.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("lastTransitionTime")]
    [Required]
    [Description("When status last changed (not when the condition was last checked).")]
    public DateTimeOffset LastTransitionTime { get; set; }

    [JsonPropertyName("reason")]
    [Required]
    [MaxLength(1024)]
    [RegularExpression(Patterns.ConditionReason)]
    [Description("Why, in one CamelCase word for machines, such as QueueMissing.")]
    public string Reason { get; set; } = "";

    [JsonPropertyName("message")]
    [Required]
    [MaxLength(32768)]
    [Description("Why, for humans: what is wrong and what to do.")]
    public string Message { get; set; } = "";
}
