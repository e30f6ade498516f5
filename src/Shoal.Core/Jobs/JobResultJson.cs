using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.Core.Jobs;

/// <summary>
/// The terminal record as published on the finished and dead-letter queues: snake_case like the seed's
/// messages, with the original job message under "job" (or the raw text, for a poison message).
/// </summary>
public static class JobResultJson
{
    public static string Serialize(JobRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var result = new JsonObject
        {
            ["job_id"] = record.JobId,
            ["queue"] = record.Queue,
            ["status"] = record.Status.ToString().ToUpperInvariant(),
            ["reason"] = record.Reason,
            ["message"] = record.Message,
            ["attempts"] = record.Attempts,
            ["failures"] = record.Failures,
            ["interruptions"] = record.Interruptions,
            ["exit_code"] = record.ExitCode,
            ["worker"] = record.Worker,
            ["started_at"] = record.StartedAt?.ToString("O"),
            ["finished_at"] = record.FinishedAt?.ToString("O"),
            ["output_tail"] = record.OutputTail,
            ["job"] = ParseOrRaw(record.Body),
        };
        return result.ToJsonString();
    }

    private static JsonNode? ParseOrRaw(string? body)
    {
        if (body is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException)
        {
            return JsonValue.Create(body);
        }
    }
}
