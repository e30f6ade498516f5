using System.Text.Json.Serialization;

namespace Shoal.Cli.Output;

/// <summary>
/// What `shoal run --json` prints at the end. Job counts cover every job in the state directory's
/// queue (a resumed run reports the whole batch); worker counts cover this run.
/// </summary>
internal sealed record RunSummary
{
    [JsonPropertyName("provider")]
    public required string Provider { get; init; }

    [JsonPropertyName("queue")]
    public required string Queue { get; init; }

    [JsonPropertyName("submitted")]
    public long Submitted { get; init; }

    [JsonPropertyName("submittedThisRun")]
    public int SubmittedThisRun { get; init; }

    [JsonPropertyName("succeeded")]
    public long Succeeded { get; init; }

    [JsonPropertyName("failed")]
    public long Failed { get; init; }

    [JsonPropertyName("invalid")]
    public long Invalid { get; init; }

    [JsonPropertyName("queued")]
    public long Queued { get; init; }

    [JsonPropertyName("running")]
    public long Running { get; init; }

    [JsonPropertyName("attempts")]
    public long Attempts { get; init; }

    [JsonPropertyName("interruptions")]
    public long Interruptions { get; init; }

    [JsonPropertyName("deadLettered")]
    public long DeadLettered { get; init; }

    [JsonPropertyName("recovered")]
    public int Recovered { get; init; }

    [JsonPropertyName("workersLaunched")]
    public int WorkersLaunched { get; init; }

    [JsonPropertyName("workersTerminated")]
    public int WorkersTerminated { get; init; }

    [JsonPropertyName("workersAdopted")]
    public int WorkersAdopted { get; init; }

    [JsonPropertyName("elapsedSeconds")]
    public double ElapsedSeconds { get; init; }

    [JsonPropertyName("stateDir")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StateDir { get; init; }

    /// <summary>Requests sent to AWS during the run (aws provider only).</summary>
    [JsonPropertyName("awsCalls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? AwsCalls { get; init; }
}
