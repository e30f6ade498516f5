using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class RetentionSpec
{
    // How long finished job records stay in the job table (DynamoDB TTL on AWS).
    [JsonPropertyName("days")]
    public int Days { get; set; } = SpecDefaults.RetentionDays;
}
