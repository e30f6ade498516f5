using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// Written once by the operator when the instance exists; what the Worker stands for.
public sealed class WorkerSpec
{
    [JsonPropertyName("poolName")]
    public string PoolName { get; set; } = "";

    // The engine's worker id: the EC2 instance id on AWS.
    [JsonPropertyName("instanceId")]
    public string InstanceId { get; set; } = "";

    // True for an instance someone else launched that carries the pool's adoption tag.
    [JsonPropertyName("adopted")]
    public bool Adopted { get; set; }
}
