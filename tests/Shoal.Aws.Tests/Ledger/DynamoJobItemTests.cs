using System.Text;
using Shoal.Aws.Ledger;
using Shoal.Core.Jobs;

namespace Shoal.Aws.Tests.Ledger;

public sealed class DynamoJobItemTests
{
    [Theory]
    [InlineData(JobStatus.Queued, "QUEUED", "Queued")]
    [InlineData(JobStatus.Running, "RUNNING", "Started")]
    [InlineData(JobStatus.Succeeded, "SUCCEEDED", "Successful")]
    [InlineData(JobStatus.Failed, "FAILED", "Failed")]
    public void Status_is_stored_ours_and_seed_style(JobStatus status, string ours, string seed)
    {
        var item = DynamoJobItem.ToItem(new JobRecord { JobId = "j", Queue = "q", Status = status, Failures = 2, Retry = 5, Version = 1 }, TimeSpan.FromDays(1));

        Assert.Equal(ours, item["status"].S);
        Assert.Equal(seed, item["Status"].S);
        Assert.Equal("2 of 5", item["Retries"].S);
    }

    [Theory]
    [InlineData(0, 2, "0 of 2")]
    [InlineData(1, 2, "1 of 2")]
    [InlineData(3, 2, "2 of 2")]
    public void Retries_reads_like_the_seed_re_run_counter_and_ends_at_N_of_N(int failures, int retry, string expected) =>
        Assert.Equal(expected, DynamoJobItem.ToItem(new JobRecord { JobId = "j", Queue = "q", Status = JobStatus.Failed, Failures = failures, Retry = retry, Version = 1 }, TimeSpan.FromDays(1))["Retries"].S);

    [Fact]
    public void Tail_keeps_the_end_within_the_byte_budget_without_splitting_characters()
    {
        var text = string.Concat(Enumerable.Repeat("é🐟x", 1000));

        var tail = DynamoJobItem.Tail(text, 100, "[cut]");

        Assert.StartsWith("[cut]", tail, StringComparison.Ordinal);
        Assert.EndsWith("é🐟x", tail, StringComparison.Ordinal);
        Assert.InRange(Encoding.UTF8.GetByteCount(tail), 90, 100);
        Assert.Equal(tail, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(tail))); // no lone surrogate
        Assert.Same(text, DynamoJobItem.Tail(text, int.MaxValue, "[cut]"));
    }

    [Fact]
    public void Head_keeps_the_start_within_the_byte_budget_without_splitting_characters()
    {
        var text = string.Concat(Enumerable.Repeat("🐟é", 1000));

        var head = DynamoJobItem.Head(text, 100, "[cut]");

        Assert.StartsWith("🐟é", head, StringComparison.Ordinal);
        Assert.EndsWith("[cut]", head, StringComparison.Ordinal);
        Assert.InRange(Encoding.UTF8.GetByteCount(head), 90, 100);
        Assert.Equal(head, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(head)));
    }

    [Fact]
    public void Timestamps_are_utc_round_trip_text_that_sorts_in_time_order()
    {
        var a = new DateTimeOffset(2026, 1, 1, 23, 0, 0, TimeSpan.FromHours(-5));
        var b = new DateTimeOffset(2026, 1, 2, 3, 0, 0, TimeSpan.FromHours(2));

        Assert.Equal("2026-01-02T04:00:00.0000000+00:00", DynamoJobItem.Time(a));
        Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(string.CompareOrdinal(DynamoJobItem.Time(a), DynamoJobItem.Time(b))));
        Assert.Equal(1, Math.Sign(a.CompareTo(b))); // local wall clocks would sort the other way
    }

    [Fact]
    public void A_corrupt_item_names_the_job_the_table_and_the_problem()
    {
        var item = DynamoJobItem.ToItem(new JobRecord { JobId = "j-1", Queue = "q", Status = JobStatus.Queued, Version = 1 }, TimeSpan.FromDays(1));
        item["status"] = DynamoJobItem.S("PAUSED");

        var error = Assert.Throws<InvalidDataException>(() => DynamoJobItem.FromItem(item, "t-job-monitoring"));

        Assert.Contains("'j-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'t-job-monitoring'", error.Message, StringComparison.Ordinal);
        Assert.Contains("PAUSED", error.Message, StringComparison.Ordinal);
    }
}
