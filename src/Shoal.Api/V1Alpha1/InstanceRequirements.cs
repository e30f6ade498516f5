using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// Attribute-based instance type selection (EC2 InstanceRequirements); null bounds are open.
public sealed class InstanceRequirements
{
    [JsonPropertyName("vcpuMin")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? VcpuMin { get; set; }

    [JsonPropertyName("vcpuMax")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? VcpuMax { get; set; }

    [JsonPropertyName("memoryMiBMin")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MemoryMiBMin { get; set; }

    [JsonPropertyName("memoryMiBMax")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MemoryMiBMax { get; set; }
}
