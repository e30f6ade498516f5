using System.Text.Json.Serialization;
using Shoal.Core.Jobs;

namespace Shoal.Cli.Output;

/// <summary>A job as `shoal jobs --json` and `shoal job --json` print it.</summary>
internal sealed record JobView
{
    [JsonPropertyName("jobId")]
    public required string JobId { get; init; }

    [JsonPropertyName("queue")]
    public required string Queue { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    [JsonPropertyName("failures")]
    public int Failures { get; init; }

    [JsonPropertyName("interruptions")]
    public int Interruptions { get; init; }

    [JsonPropertyName("retry")]
    public int Retry { get; init; }

    [JsonPropertyName("exitCode")]
    public int? ExitCode { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("worker")]
    public string? Worker { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("startedAt")]
    public DateTimeOffset? StartedAt { get; init; }

    [JsonPropertyName("finishedAt")]
    public DateTimeOffset? FinishedAt { get; init; }

    [JsonPropertyName("durationSeconds")]
    public double? DurationSeconds { get; init; }

    [JsonPropertyName("output")]
    public string? Output { get; init; }

    [JsonPropertyName("body")]
    public string? Body { get; init; }

    public static JobView From(JobRecord record, bool withBody) => new()
    {
        JobId = record.JobId,
        Queue = record.Queue,
        Status = record.Status.ToString().ToUpperInvariant(),
        Attempts = record.Attempts,
        Failures = record.Failures,
        Interruptions = record.Interruptions,
        Retry = record.Retry,
        ExitCode = record.ExitCode,
        Reason = record.Reason,
        Message = record.Message,
        Worker = record.Worker,
        CreatedAt = record.CreatedAt,
        StartedAt = record.StartedAt,
        FinishedAt = record.FinishedAt,
        DurationSeconds = record is { StartedAt: { } s, FinishedAt: { } f } ? Math.Round((f - s).TotalSeconds, 3) : null,
        Output = record.OutputTail,
        Body = withBody ? record.Body : null,
    };
}
