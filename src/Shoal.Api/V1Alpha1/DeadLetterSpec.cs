using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class DeadLetterSpec
{
    // High by default: Shoal's own retry budgets decide a job's fate and dead-letter poison jobs
    // explicitly, so SQS's counter is only a backstop.
    [JsonPropertyName("maxReceiveCount")]
    [DefaultValue(SpecDefaults.MaxReceiveCount)]
    [Range(1, 1000)]
    [Description("SQS's redrive limit (1-1000): receives after which SQS itself moves a message to the dead-letter queue. A backstop only; Shoal's retry budgets decide a job's fate.")]
    public int MaxReceiveCount { get; set; } = SpecDefaults.MaxReceiveCount;
}
