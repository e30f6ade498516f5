using System.Text.Json;

namespace Shoal.Bench;

/// <summary>A job message in the seed's format, as a submitter would write it.</summary>
internal sealed record BenchJob(string JobId, IReadOnlyList<string> Commands)
{
    public string ToMessage() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["job_id"] = JobId,
        ["retry"] = "0",
        // Blank: no output check, so the verdict is the exit code alone, as for the seed's no-op jobs.
        ["job_success_string"] = "",
        ["ssm_document"] = "AWS-RunShellScript",
        ["commands"] = Commands,
    });
}
