using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// Written once by the operator when the instance exists.
public sealed class WorkerSpec
{
    [JsonPropertyName("poolName")]
    [Required]
    [Description("The WorkerPool this worker belongs to.")]
    public string PoolName { get; set; } = "";

    [JsonPropertyName("instanceId")]
    [Required]
    [Description("The engine's worker id: the EC2 instance id on AWS.")]
    public string InstanceId { get; set; } = "";

    [JsonPropertyName("adopted")]
    [DefaultValue(false)]
    [Description("True for an instance someone else launched that carries the pool's adoption tag.")]
    public bool Adopted { get; set; }
}
