using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class DeadLetterSpec
{
    // SQS's redrive limit (1..1000). High by default: Shoal's own retry budgets decide a job's fate and
    // dead-letter poison jobs explicitly, so SQS's counter is only a backstop.
    [JsonPropertyName("maxReceiveCount")]
    public int MaxReceiveCount { get; set; } = SpecDefaults.MaxReceiveCount;
}
