using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// A JobQueue in the WorkerPool's own namespace.
public sealed class JobQueueReference
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}
