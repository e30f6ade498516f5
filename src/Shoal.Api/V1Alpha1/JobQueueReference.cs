using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

// A JobQueue in the WorkerPool's own namespace.
public sealed class JobQueueReference
{
    [JsonPropertyName("name")]
    [Required]
    [MaxLength(63)]
    [RegularExpression(Patterns.DnsLabel)]
    [Description("The JobQueue's metadata.name.")]
    public string Name { get; set; } = "";
}
