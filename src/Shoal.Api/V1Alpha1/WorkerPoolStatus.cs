using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class WorkerPoolStatus
{
    [JsonPropertyName("observedGeneration")]
    public long ObservedGeneration { get; set; }

    // Workers the scaling policy wants right now.
    [JsonPropertyName("desired")]
    public int Desired { get; set; }

    [JsonPropertyName("launching")]
    public int Launching { get; set; }

    [JsonPropertyName("ready")]
    public int Ready { get; set; }

    [JsonPropertyName("busy")]
    public int Busy { get; set; }

    [JsonPropertyName("draining")]
    public int Draining { get; set; }

    // Instance type → running workers of that type: the mix spot actually gave us.
    [JsonPropertyName("instanceTypes")]
    public IDictionary<string, int> InstanceTypes { get; set; } = new Dictionary<string, int>();

    [JsonPropertyName("conditions")]
    public IList<Condition> Conditions { get; set; } = [];
}
