using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Shoal.Api.V1Alpha1;

public sealed class FinishedQueueSpec
{
    [JsonPropertyName("enabled")]
    [DefaultValue(SpecDefaults.FinishedQueueEnabled)]
    [Description("Create the finished-job queue and send it one message per job that reached a terminal state.")]
    public bool Enabled { get; set; } = SpecDefaults.FinishedQueueEnabled;
}
