using System.Diagnostics;
using Shoal.Core.Jobs;
using Shoal.Local.Ledger;

namespace Shoal.Cli.Tests.EndToEnd;

/// <summary>
/// The promise that matters most: kill `shoal run` with SIGKILL in the middle of a batch, start it
/// again on the same state directory, and every job ends exactly once, none lost, none run to a
/// second terminal record.
/// </summary>
public sealed class CrashResumeTests : IDisposable
{
    private const int Jobs = 24;
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Sigkill_mid_run_then_resume_finishes_every_job_exactly_once()
    {
        var state = Path.Combine(temp.Path, "state");
        var lines = Enumerable.Range(1, Jobs).Select(i =>
            $$"""{"job_id": "job-{{i:D2}}", "retry": 0, "job_success_string": "done job-{{i:D2}}", "commands": ["sleep 0.4", "echo done $SHOAL_JOB_ID"]}""");
        var jobs = temp.File("jobs.jsonl", string.Join('\n', lines));

        using (var first = ShoalProcess.Start(temp.Path, "run", "--state-dir", state, "--jobs", jobs, "--workers", "4", "--json"))
        {
            // Kill once some jobs are done and others are running: the interesting moment.
            await WaitUntilAsync(async () =>
            {
                var counts = await ReadCountsAsync(state);
                return counts is { Succeeded: >= 4, Running: > 0 };
            }, first);
            first.Kill(); // SIGKILL: no handler runs, workers and child processes are left as they are
            await first.WaitForExitAsync();
            Assert.Equal(137, first.ExitCode);
        }

        var before = await ReadCountsAsync(state);
        Assert.True(before.Succeeded < Jobs, "the first run finished before it could be killed; the test proves nothing");
        Assert.True(before.Running > 0, "no job was running at the kill; the test proves nothing");

        var summary = await ShoalProcess.RunJsonAsync(temp.Path, "run", "--state-dir", state, "--json");

        Assert.Equal(Jobs, summary.GetProperty("submitted").GetInt32());
        Assert.Equal(Jobs, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.True(summary.GetProperty("recovered").GetInt32() >= 1);
        Assert.True(summary.GetProperty("interruptions").GetInt32() >= summary.GetProperty("recovered").GetInt32());

        await using var ledger = new SqliteJobLedger(Path.Combine(state, "ledger.db"), TimeProvider.System);
        foreach (var job in await ledger.ListAsync(null, null, CancellationToken.None))
        {
            Assert.Equal(JobStatus.Succeeded, job.Status);
            Assert.Equal(0, job.Failures); // a lost attempt never spends the retry budget (retry 0 here)
            var events = await ledger.GetEventsAsync(job.JobId, CancellationToken.None);
            Assert.Single(events, e => e.Status is JobStatus.Succeeded or JobStatus.Failed);
        }
    }

    private static async Task<Shoal.Core.Ports.JobCounts> ReadCountsAsync(string state)
    {
        var path = Path.Combine(state, "ledger.db");
        if (!File.Exists(path))
        {
            return Shoal.Core.Ports.JobCounts.Zero;
        }

        await using var ledger = new SqliteJobLedger(path, TimeProvider.System);
        return await ledger.GetCountsAsync("default", CancellationToken.None);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (process.HasExited)
            {
                Assert.Fail($"shoal run exited early ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), "the first run never reached the point to kill it");
            await Task.Delay(20);
        }
    }
}
