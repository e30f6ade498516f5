using Microsoft.Extensions.Time.Testing;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Local.Ledger;
using Shoal.Local.Queue;
using Shoal.Local.Tests.Queue;

namespace Shoal.Local.Tests.Ledger;

public sealed class SqliteJobLedgerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDatabase _db = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly CancellationToken _ct = CancellationToken.None;

    public void Dispose() => _db.Dispose();

    private SqliteJobLedger Open() => new(_db.FilePath, _time);

    private JobRecord NewJob(string id, string queue = "jobs", DateTimeOffset? createdAt = null) => new()
    {
        JobId = id,
        Queue = queue,
        Status = JobStatus.Queued,
        Retry = 3,
        Body = "{\"job_id\":\"" + id + "\"}",
        CreatedAt = createdAt ?? _time.GetUtcNow(),
        UpdatedAt = createdAt ?? _time.GetUtcNow(),
        Version = 1,
    };

    private static JobRecord Started(JobRecord job, string worker) => job with
    {
        Status = JobStatus.Running,
        Attempts = job.Attempts + 1,
        Worker = worker,
        LeaseOwner = worker,
        Version = job.Version + 1,
    };

    [Fact]
    public async Task Insert_then_get_round_trips_every_field()
    {
        await using var ledger = Open();
        var job = new JobRecord
        {
            JobId = "job-1",
            Queue = "jobs",
            Status = JobStatus.Failed,
            Attempts = 4,
            Failures = 3,
            Interruptions = 1,
            Retry = 2,
            Worker = "w-1",
            LeaseOwner = "host-a",
            LeaseExpiresAt = Start.AddTicks(1234567),
            CommandId = "cmd-9",
            ExitCode = -2,
            Reason = JobReasons.RetriesExhausted,
            Message = "exit code 2",
            OutputTail = "last lines\n",
            Body = "{\"job_id\": \"job-1\",}",
            CreatedAt = new DateTimeOffset(2025, 2, 28, 23, 0, 0, TimeSpan.FromHours(-5)).AddTicks(7),
            StartedAt = Start.AddMinutes(1),
            FinishedAt = Start.AddMinutes(2),
            UpdatedAt = Start.AddMinutes(2).AddTicks(1),
            Version = 1,
        };

        Assert.True(await ledger.TryWriteAsync(null, job, _ct));

        var stored = await ledger.GetAsync("job-1", _ct);
        Assert.Equal(job, stored);
        Assert.Null(await ledger.GetAsync("missing", _ct));
    }

    [Fact]
    public async Task Insert_fails_when_the_job_already_exists()
    {
        await using var ledger = Open();
        var job = NewJob("job-1");
        Assert.True(await ledger.TryWriteAsync(null, job, _ct));

        Assert.False(await ledger.TryWriteAsync(null, job with { Message = "second" }, _ct));

        Assert.Null((await ledger.GetAsync("job-1", _ct))!.Message);
        Assert.Equal(1, (await ledger.GetCountsAsync("jobs", _ct)).Jobs);
        Assert.Single(await ledger.GetEventsAsync("job-1"));
    }

    [Fact]
    public async Task Update_succeeds_only_against_the_stored_version()
    {
        await using var ledger = Open();
        var v1 = NewJob("job-1");
        await ledger.TryWriteAsync(null, v1, _ct);
        var v2 = Started(v1, "w-1");
        Assert.True(await ledger.TryWriteAsync(v1, v2, _ct));

        // A second claimer that still holds v1 loses.
        Assert.False(await ledger.TryWriteAsync(v1, Started(v1, "w-2"), _ct));

        var stored = await ledger.GetAsync("job-1", _ct);
        Assert.Equal(v2, stored);
        Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 1 }, await ledger.GetCountsAsync("jobs", _ct));
        Assert.Equal(2, (await ledger.GetEventsAsync("job-1")).Count);
    }

    [Fact]
    public async Task Update_fails_when_the_job_does_not_exist()
    {
        await using var ledger = Open();
        var v1 = NewJob("ghost");

        Assert.False(await ledger.TryWriteAsync(v1, Started(v1, "w-1"), _ct));

        Assert.Null(await ledger.GetAsync("ghost", _ct));
        Assert.Equal(JobCounts.Zero, await ledger.GetCountsAsync("jobs", _ct));
        Assert.Empty(await ledger.GetEventsAsync("ghost"));
    }

    [Fact]
    public async Task Next_version_must_follow_the_previous_one()
    {
        await using var ledger = Open();
        var v1 = NewJob("job-1");

        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(null, v1 with { Version = 0 }, _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(null, v1 with { Version = 2 }, _ct));
        Assert.True(await ledger.TryWriteAsync(null, v1, _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(v1, Started(v1, "w") with { Version = 1 }, _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(v1, Started(v1, "w") with { Version = 3 }, _ct));

        Assert.Equal(v1, await ledger.GetAsync("job-1", _ct));
        Assert.Single(await ledger.GetEventsAsync("job-1"));
    }

    [Fact]
    public async Task Previous_and_next_must_be_the_same_job_in_the_same_queue()
    {
        await using var ledger = Open();
        var v1 = NewJob("job-1");
        await ledger.TryWriteAsync(null, v1, _ct);

        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(v1, Started(v1, "w") with { JobId = "job-2" }, _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(v1, Started(v1, "w") with { Queue = "other" }, _ct));
        Assert.Equal(v1, await ledger.GetAsync("job-1", _ct));
    }

    [Fact]
    public async Task Counters_follow_each_transition_of_a_job()
    {
        await using var ledger = Open();
        var queued = NewJob("job-1");
        Assert.True(await ledger.TryWriteAsync(null, queued, _ct));
        Assert.Equal(new JobCounts { Jobs = 1, Queued = 1 }, await ledger.GetCountsAsync("jobs", _ct));

        var running = Started(queued, "w-1");
        Assert.True(await ledger.TryWriteAsync(queued, running, _ct));
        Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 1 }, await ledger.GetCountsAsync("jobs", _ct));

        // Spot reclaim: back to the queue, an interruption that does not spend the budget.
        var requeued = running with
        {
            Status = JobStatus.Queued,
            Interruptions = 1,
            Worker = null,
            LeaseOwner = null,
            Reason = JobReasons.Interrupted,
            Version = running.Version + 1,
        };
        Assert.True(await ledger.TryWriteAsync(running, requeued, _ct));
        Assert.Equal(new JobCounts { Jobs = 1, Queued = 1, Attempts = 1, Interruptions = 1 }, await ledger.GetCountsAsync("jobs", _ct));

        var rerunning = Started(requeued, "w-2");
        Assert.True(await ledger.TryWriteAsync(requeued, rerunning, _ct));
        Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 2, Interruptions = 1 }, await ledger.GetCountsAsync("jobs", _ct));

        var succeeded = rerunning with
        {
            Status = JobStatus.Succeeded,
            ExitCode = 0,
            Reason = JobReasons.Succeeded,
            FinishedAt = _time.GetUtcNow(),
            Version = rerunning.Version + 1,
        };
        Assert.True(await ledger.TryWriteAsync(rerunning, succeeded, _ct));
        Assert.Equal(new JobCounts { Jobs = 1, Succeeded = 1, Attempts = 2, Interruptions = 1 }, await ledger.GetCountsAsync("jobs", _ct));

        // A poison message recorded straight as failed: failed and invalid.
        var invalid = NewJob("poison") with { Status = JobStatus.Failed, Reason = JobReasons.InvalidJob, Body = "{not json" };
        Assert.True(await ledger.TryWriteAsync(null, invalid, _ct));
        Assert.Equal(
            new JobCounts { Jobs = 2, Succeeded = 1, Failed = 1, Invalid = 1, Attempts = 2, Interruptions = 1 },
            await ledger.GetCountsAsync("jobs", _ct));
    }

    [Fact]
    public async Task Counters_are_kept_per_queue()
    {
        await using var ledger = Open();
        await ledger.TryWriteAsync(null, NewJob("a-1", "a"), _ct);
        await ledger.TryWriteAsync(null, NewJob("a-2", "a"), _ct);
        var b = NewJob("b-1", "b");
        await ledger.TryWriteAsync(null, b, _ct);
        await ledger.TryWriteAsync(b, Started(b, "w"), _ct);

        Assert.Equal(new JobCounts { Jobs = 2, Queued = 2 }, await ledger.GetCountsAsync("a", _ct));
        Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 1 }, await ledger.GetCountsAsync("b", _ct));
        Assert.Equal(JobCounts.Zero, await ledger.GetCountsAsync("none", _ct));
    }

    [Fact]
    public async Task Every_successful_write_appends_an_event_and_failed_ones_do_not()
    {
        await using var ledger = Open();
        var v1 = NewJob("job-1");
        await ledger.TryWriteAsync(null, v1, _ct);
        _time.Advance(TimeSpan.FromSeconds(5));
        var v2 = Started(v1, "w-1");
        await ledger.TryWriteAsync(v1, v2, _ct);
        await ledger.TryWriteAsync(v1, Started(v1, "w-2"), _ct);
        _time.Advance(TimeSpan.FromSeconds(5));
        var v3 = v2 with { Status = JobStatus.Failed, Reason = JobReasons.NonZeroExit, Failures = 1, Version = 3 };
        await ledger.TryWriteAsync(v2, v3, _ct);
        await ledger.TryWriteAsync(null, NewJob("job-2"), _ct);

        Assert.Equal(
            [
                new JobEvent("job-1", Start, 1, JobStatus.Queued, null, 0, null),
                new JobEvent("job-1", Start.AddSeconds(5), 2, JobStatus.Running, "w-1", 1, null),
                new JobEvent("job-1", Start.AddSeconds(10), 3, JobStatus.Failed, "w-1", 1, JobReasons.NonZeroExit),
            ],
            await ledger.GetEventsAsync("job-1"));
    }

    [Fact]
    public async Task List_returns_oldest_first_and_filters_by_queue_and_status()
    {
        await using var ledger = Open();
        // Written out of creation order; "b" and "c" share a creation time and sort by id.
        await ledger.TryWriteAsync(null, NewJob("c", "q1", Start.AddSeconds(2)), _ct);
        await ledger.TryWriteAsync(null, NewJob("d", "q2", Start.AddSeconds(3)), _ct);
        await ledger.TryWriteAsync(null, NewJob("a", "q1", Start.AddSeconds(1).AddTicks(1)), _ct);
        var b = NewJob("b", "q1", Start.AddSeconds(2));
        await ledger.TryWriteAsync(null, b, _ct);
        await ledger.TryWriteAsync(b, Started(b, "w"), _ct);
        await ledger.TryWriteAsync(null, NewJob("e", "q2", Start), _ct);

        static string[] Ids(IReadOnlyList<JobRecord> jobs) => [.. jobs.Select(j => j.JobId)];
        Assert.Equal(["e", "a", "b", "c", "d"], Ids(await ledger.ListAsync(null, null, _ct)));
        Assert.Equal(["a", "b", "c"], Ids(await ledger.ListAsync("q1", null, _ct)));
        Assert.Equal(["a", "c"], Ids(await ledger.ListAsync("q1", JobStatus.Queued, _ct)));
        Assert.Equal(["b"], Ids(await ledger.ListAsync(null, JobStatus.Running, _ct)));
        Assert.Equal(["e", "a", "c", "d"], Ids(await ledger.ListAsync(null, JobStatus.Queued, _ct)));
        Assert.Empty(await ledger.ListAsync("q2", JobStatus.Running, _ct));
        Assert.Empty(await ledger.ListAsync("none", null, _ct));
        Assert.Equal(Started(b, "w"), (await ledger.ListAsync("q1", JobStatus.Running, _ct))[0]);
    }

    [Fact]
    public async Task State_survives_closing_and_reopening_the_file()
    {
        var v1 = NewJob("job-1");
        var v2 = Started(v1, "w-1");
        await using (var ledger = Open())
        {
            await ledger.TryWriteAsync(null, v1, _ct);
            await ledger.TryWriteAsync(v1, v2, _ct);
        }

        await using (var reopened = Open())
        {
            Assert.Equal(v2, await reopened.GetAsync("job-1", _ct));
            Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 1 }, await reopened.GetCountsAsync("jobs", _ct));
            Assert.Equal([1L, 2L], (await reopened.GetEventsAsync("job-1")).Select(e => e.Version));
            Assert.Equal([v2], await reopened.ListAsync(null, null, _ct));
            Assert.False(await reopened.TryWriteAsync(v1, Started(v1, "w-2"), _ct));
        }
    }

    [Fact]
    public async Task Two_processes_racing_on_one_version_produce_exactly_one_winner()
    {
        await using var one = Open();
        await using var two = new SqliteJobLedger(_db.FilePath, _time, shareWithinProcess: false);
        var jobs = Enumerable.Range(0, 20).Select(i => NewJob($"job-{i}")).ToList();
        foreach (var job in jobs)
        {
            Assert.True(await one.TryWriteAsync(null, job, _ct));
        }

        var claims = jobs.SelectMany(job => new[]
        {
            Task.Run(() => one.TryWriteAsync(job, Started(job, "w-one"), _ct)),
            Task.Run(() => two.TryWriteAsync(job, Started(job, "w-two"), _ct)),
        });
        var results = await Task.WhenAll(claims);

        Assert.Equal(20, results.Count(won => won));
        Assert.Equal(new JobCounts { Jobs = 20, Running = 20, Attempts = 20 }, await two.GetCountsAsync("jobs", _ct));
        foreach (var job in jobs)
        {
            Assert.Equal(2, (await one.GetEventsAsync(job.JobId)).Count);
        }
    }

    [Fact]
    public async Task Ledger_and_queue_can_share_one_file()
    {
        await using var queue = new SqliteJobQueue(_db.FilePath, "jobs", _time);
        await using var ledger = Open();
        await queue.SendAsync("{\"job_id\":\"job-1\"}", TimeSpan.Zero, _ct);
        var message = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), TimeSpan.Zero, _ct));
        var v1 = NewJob("job-1") with { Body = message.Body };

        Assert.True(await ledger.TryWriteAsync(null, v1, _ct));
        await queue.CompleteAsync(message, "{\"job_id\":\"job-1\",\"status\":\"SUCCEEDED\"}", _ct);

        Assert.Equal(message.Body, (await ledger.GetAsync("job-1", _ct))!.Body);
        Assert.Equal(1, await queue.CountAsync(queue.FinishedQueueName));
    }
}
