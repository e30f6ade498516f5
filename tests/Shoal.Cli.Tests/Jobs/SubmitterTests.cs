using Microsoft.Extensions.Time.Testing;
using Shoal.Cli.Jobs;
using Shoal.Cli.Tests.EndToEnd;
using Shoal.Core.Jobs;
using Shoal.Local.Ledger;
using Shoal.Local.Queue;

namespace Shoal.Cli.Tests.Jobs;

public sealed class SubmitterTests : IAsyncDisposable
{
    private readonly TempDirectory temp = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly SqliteJobQueue queue;
    private readonly SqliteJobLedger ledger;

    public SubmitterTests()
    {
        queue = new SqliteJobQueue(Path.Combine(temp.Path, "queue.db"), "q", time);
        ledger = new SqliteJobLedger(Path.Combine(temp.Path, "ledger.db"), time);
    }

    public async ValueTask DisposeAsync()
    {
        await queue.DisposeAsync();
        await ledger.DisposeAsync();
        temp.Dispose();
    }

    [Fact]
    public async Task Valid_jobs_are_sent_and_registered_as_queued_invalid_ones_are_sent_for_the_engine_to_record()
    {
        var result = await SubmitAsync(
            new JobSource("a", """{"job_id": "good", "retry": "2", "commands": ["true"]}"""),
            new JobSource("b", """{"job_id": "bad"}"""));

        Assert.Equal(2, result.Sent);
        Assert.Contains("commands is missing", Assert.Single(result.Invalid));
        Assert.Equal(2, (await queue.GetDepthAsync(CancellationToken.None)).Visible);
        var good = await ledger.GetAsync("good", CancellationToken.None);
        Assert.Equal(JobStatus.Queued, good!.Status);
        Assert.Equal(2, good.Retry);
        Assert.Null(await ledger.GetAsync("bad", CancellationToken.None));
    }

    [Fact]
    public async Task A_known_job_id_or_a_repeat_within_one_submission_is_not_sent_again()
    {
        await SubmitAsync(new JobSource("a", """{"job_id": "once", "commands": ["true"]}"""));

        var result = await SubmitAsync(
            new JobSource("b", """{"job_id": "once", "commands": ["true"]}"""),
            new JobSource("c", """{"job_id": "twice", "commands": ["true"]}"""),
            new JobSource("d", """{"job_id": "twice", "commands": ["echo other"]}"""));

        Assert.Equal(1, result.Sent);
        Assert.Equal(2, result.Skipped.Count);
        Assert.Contains("already known (QUEUED)", result.Skipped[0]);
        Assert.Contains("appears twice", result.Skipped[1]);
        Assert.Equal(2, (await queue.GetDepthAsync(CancellationToken.None)).Visible);
    }

    private Task<SubmitResult> SubmitAsync(params JobSource[] sources) =>
        Submitter.SubmitAsync(sources, queue, ledger, new JobDefaults(), time, CancellationToken.None);
}
