using Shoal.Core.Jobs;
using Shoal.Core.Ports;

namespace Shoal.Core.Tests.Ports;

public sealed class JobCountsTests
{
    private static JobRecord Record(JobStatus status, int attempts = 0, int interruptions = 0, string? reason = null) =>
        new() { JobId = "j", Queue = "q", Status = status, Attempts = attempts, Interruptions = interruptions, Reason = reason };

    [Fact]
    public void First_write_adds_the_job_and_its_status()
    {
        Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 1 }, JobCounts.Delta(null, Record(JobStatus.Running, attempts: 1)));
    }

    [Fact]
    public void Transition_moves_the_job_between_statuses_and_adds_only_new_attempts()
    {
        var delta = JobCounts.Delta(Record(JobStatus.Running, attempts: 2, interruptions: 1), Record(JobStatus.Succeeded, attempts: 2, interruptions: 1));
        Assert.Equal(new JobCounts { Running = -1, Succeeded = 1 }, delta);
    }

    [Fact]
    public void Invalid_jobs_count_as_failed_too()
    {
        Assert.Equal(new JobCounts { Jobs = 1, Failed = 1, Invalid = 1 }, JobCounts.Delta(null, Record(JobStatus.Failed, reason: JobReasons.InvalidJob)));
    }

    [Fact]
    public void Deltas_of_a_whole_life_sum_to_the_final_record()
    {
        var life = new[]
        {
            Record(JobStatus.Running, attempts: 1),
            Record(JobStatus.Queued, attempts: 1, interruptions: 1),
            Record(JobStatus.Running, attempts: 2, interruptions: 1),
            Record(JobStatus.Failed, attempts: 2, interruptions: 1),
        };
        var sum = JobCounts.Zero;
        JobRecord? previous = null;
        foreach (var next in life)
        {
            sum += JobCounts.Delta(previous, next);
            previous = next;
        }

        Assert.Equal(new JobCounts { Jobs = 1, Failed = 1, Attempts = 2, Interruptions = 1 }, sum);
    }
}
