using System.Text.Json.Serialization;
using k8s.Models;

namespace Shoal.KubeApi.Tests.Support;

public sealed class GadgetStatus
{
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
