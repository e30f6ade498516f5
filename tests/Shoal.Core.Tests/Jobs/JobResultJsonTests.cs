using System.Text.Json.Nodes;
using Shoal.Core.Jobs;
using Shoal.Core.Workers;

namespace Shoal.Core.Tests.Jobs;

public sealed class JobResultJsonTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Terminal_record_is_published_in_snake_case_with_the_original_message()
    {
        var record = new JobRecord
        {
            JobId = "jobId_0",
            Queue = "jobs",
            Status = JobStatus.Succeeded,
            Reason = JobReasons.Succeeded,
            Message = "attempt 2 succeeded",
            Attempts = 2,
            Failures = 1,
            Interruptions = 0,
            ExitCode = 0,
            Worker = "w1",
            StartedAt = T0,
            FinishedAt = T0.AddSeconds(5),
            OutputTail = "Hello World",
            Body = """{"job_id": "jobId_0", "retry": "3", "commands": ["echo Hello World"],}""",
        };

        var json = JsonNode.Parse(JobResultJson.Serialize(record))!;

        Assert.Equal("jobId_0", (string?)json["job_id"]);
        Assert.Equal("SUCCEEDED", (string?)json["status"]);
        Assert.Equal("Succeeded", (string?)json["reason"]);
        Assert.Equal(2, (int?)json["attempts"]);
        Assert.Equal(1, (int?)json["failures"]);
        Assert.Equal(0, (int?)json["exit_code"]);
        Assert.Equal("2025-06-01T08:00:05.0000000+00:00", (string?)json["finished_at"]);
        Assert.Equal("3", (string?)json["job"]!["retry"]);
        Assert.Equal("echo Hello World", (string?)json["job"]!["commands"]![0]);
    }

    [Fact]
    public void Poison_body_is_kept_as_raw_text()
    {
        var record = JobTransitions.Invalid(null, "jobs", "invalid-m1", "{not json", "message is not valid JSON", T0);

        var json = JsonNode.Parse(JobResultJson.Serialize(record))!;

        Assert.Equal("FAILED", (string?)json["status"]);
        Assert.Equal("InvalidJob", (string?)json["reason"]);
        Assert.Equal("{not json", (string?)json["job"]);
        Assert.Null(json["started_at"]);
    }
}
