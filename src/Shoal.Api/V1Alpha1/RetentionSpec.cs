using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class RetentionSpec
{
    [JsonPropertyName("days")]
    [DefaultValue(SpecDefaults.RetentionDays)]
    [Range(1, int.MaxValue)]
    [Description("Days finished job records stay in the job table (a DynamoDB TTL on AWS).")]
    public int Days { get; set; } = SpecDefaults.RetentionDays;
}
