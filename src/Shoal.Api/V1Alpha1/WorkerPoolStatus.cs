using System.ComponentModel;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Api.V1Alpha1;

public sealed class WorkerPoolStatus
{
    [JsonPropertyName("observedGeneration")]
    [Description("The metadata.generation this status describes.")]
    public long ObservedGeneration { get; set; }

    [JsonPropertyName("desired")]
    [Description("Workers the scaling policy wants right now.")]
    public int Desired { get; set; }

    [JsonPropertyName("launching")]
    [Description("Workers launched whose agent has not answered yet.")]
    public int Launching { get; set; }

    [JsonPropertyName("ready")]
    [Description("Workers that can take jobs (idle or busy).")]
    public int Ready { get; set; }

    [JsonPropertyName("busy")]
    [Description("Workers running a job.")]
    public int Busy { get; set; }

    [JsonPropertyName("draining")]
    [Description("Workers finishing their last job before they terminate.")]
    public int Draining { get; set; }

    [JsonPropertyName("instanceTypes")]
    [Description("Running workers by instance type: the mix spot actually gave.")]
    public IDictionary<string, int> InstanceTypes { get; set; } = new Dictionary<string, int>();

    [JsonPropertyName("conditions")]
    [ListType(KubernetesListType.Map, "type")]
    [Description("Ready is True when the pool can launch workers for its queue; its reason and message say why not otherwise.")]
    public IList<Condition> Conditions { get; set; } = [];
}
