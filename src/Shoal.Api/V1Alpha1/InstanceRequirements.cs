using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Api.V1Alpha1;

// Attribute-based instance type selection (EC2 InstanceRequirements); null bounds are open.
[CelRule("!has(self.vcpuMax) || self.vcpuMax >= self.vcpuMin", "vcpuMax must be greater than or equal to vcpuMin", FieldPath = ".vcpuMax")]
[CelRule("!has(self.memoryMiBMax) || !has(self.memoryMiBMin) || self.memoryMiBMax >= self.memoryMiBMin",
    "memoryMiBMax must be greater than or equal to memoryMiBMin", FieldPath = ".memoryMiBMax")]
public sealed class InstanceRequirements
{
    [JsonPropertyName("vcpuMin")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Required]
    [Range(1, int.MaxValue)]
    [Description("The fewest vCPUs an instance type may have.")]
    public int? VcpuMin { get; set; }

    [JsonPropertyName("vcpuMax")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Range(1, int.MaxValue)]
    [Description("The most vCPUs an instance type may have. Left out, no upper bound.")]
    public int? VcpuMax { get; set; }

    [JsonPropertyName("memoryMiBMin")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Range(0, int.MaxValue)]
    [Description("The least memory, in MiB, an instance type may have. Left out, 0.")]
    public int? MemoryMiBMin { get; set; }

    [JsonPropertyName("memoryMiBMax")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Range(1, int.MaxValue)]
    [Description("The most memory, in MiB, an instance type may have. Left out, no upper bound.")]
    public int? MemoryMiBMax { get; set; }
}
