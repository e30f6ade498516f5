using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Ledger;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Workers;
using static Shoal.Aws.Tests.Ledger.LedgerTestKit;

namespace Shoal.Aws.Tests.Ledger;

/// <summary>The ledger against moto: the engine's transitions, compare-and-swap, counters, listing, the seed's view.</summary>
public sealed class DynamoJobLedgerTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private const int MaxInterruptions = 10;
    private const string Queue = "render";

    private readonly FakeTimeProvider time = new(Start);
    private readonly CancellationToken ct = CancellationToken.None;
    private AwsClients clients = null!;
    private DynamoApi api = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        clients = moto.NewClients();
        api = new DynamoApi(clients.DynamoDb);
        await ProvisionAsync(api);
    }

    public Task DisposeAsync()
    {
        clients.Dispose();
        return Task.CompletedTask;
    }

    private DynamoJobLedger Ledger(TimeSpan? retention = null, IDynamoApi? through = null, int? pageLimit = null) =>
        new(through ?? api, Table, time, retention) { QueryPageLimit = pageLimit };

    private JobRecord Registered(string id, string queue = Queue, int retry = 1) => JobTransitions.Registered(queue, Spec(id, retry), Body(id, retry), time.GetUtcNow());

    private async Task<JobRecord> WriteAsync(DynamoJobLedger ledger, JobRecord? previous, JobRecord next)
    {
        Assert.True(await ledger.TryWriteAsync(previous, next, ct), $"write of {next.JobId} v{next.Version} lost");
        Assert.Equal(next, await ledger.GetAsync(next.JobId, ct));
        return next;
    }

    [Fact]
    public async Task Full_life_cycle_through_the_engine_transitions_keeps_the_counters_in_step()
    {
        var ledger = Ledger();
        var spec = Spec("job-1", retry: 1);
        var body = Body("job-1");

        var registered = await WriteAsync(ledger, null, Registered("job-1"));
        Assert.Equal(new JobCounts { Jobs = 1, Queued = 1 }, await ledger.GetCountsAsync(Queue, ct));

        time.Advance(TimeSpan.FromSeconds(5));
        var claim = JobTransitions.Claim(await ledger.GetAsync("job-1", ct), Queue, spec, body, "w-1", time.GetUtcNow(), Lease, MaxInterruptions);
        Assert.Equal(ClaimKind.Claimed, claim.Kind);
        var running = await WriteAsync(ledger, registered, claim.Next!);
        Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 1 }, await ledger.GetCountsAsync(Queue, ct));

        time.Advance(TimeSpan.FromMinutes(2));
        var renewed = await WriteAsync(ledger, running, JobTransitions.Renewed(running, time.GetUtcNow(), Lease, "cmd-1"));
        Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 1 }, await ledger.GetCountsAsync(Queue, ct));

        time.Advance(TimeSpan.FromMinutes(1));
        var requeued = await WriteAsync(ledger, renewed, JobTransitions.Failed(renewed, JobReasons.NonZeroExit, "exit code 1", 1, "boom\n", time.GetUtcNow()));
        Assert.Equal(JobStatus.Queued, requeued.Status);
        Assert.Equal(new JobCounts { Jobs = 1, Queued = 1, Attempts = 1 }, await ledger.GetCountsAsync(Queue, ct));

        time.Advance(TimeSpan.FromSeconds(30));
        var again = JobTransitions.Claim(await ledger.GetAsync("job-1", ct), Queue, spec, body, "w-2", time.GetUtcNow(), Lease, MaxInterruptions);
        Assert.Equal(ClaimKind.Claimed, again.Kind);
        var running2 = await WriteAsync(ledger, requeued, again.Next!);
        Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 2 }, await ledger.GetCountsAsync(Queue, ct));

        time.Advance(TimeSpan.FromMinutes(3));
        var succeeded = await WriteAsync(ledger, running2, JobTransitions.Succeeded(running2, 0, "Hello World\n", time.GetUtcNow()));
        Assert.Equal(new JobCounts { Jobs = 1, Succeeded = 1, Attempts = 2 }, await ledger.GetCountsAsync(Queue, ct));
        Assert.Equal(2, succeeded.Attempts);
        Assert.Equal(1, succeeded.Failures);

        // A duplicate delivery now finds the terminal record and writes nothing.
        Assert.Equal(ClaimKind.AlreadyTerminal, JobTransitions.Claim(await ledger.GetAsync("job-1", ct), Queue, spec, body, "w-3", time.GetUtcNow(), Lease, MaxInterruptions).Kind);
    }

    [Fact]
    public async Task Every_field_reads_back_equal_to_what_was_written()
    {
        var ledger = Ledger();
        var job = new JobRecord
        {
            JobId = "job-1",
            Queue = Queue,
            Status = JobStatus.Failed,
            Attempts = 4,
            Failures = 3,
            Interruptions = 1,
            Retry = 2,
            Worker = "i-0123456789abcdef0",
            LeaseOwner = "i-0123456789abcdef0",
            LeaseExpiresAt = Start.AddTicks(1234567),
            CommandId = "cmd-9",
            ExitCode = -2,
            Reason = JobReasons.RetriesExhausted,
            Message = "exit code 2",
            OutputTail = "last lines ✓ 🐟\n",
            Body = "{\"job_id\": \"job-1\",}",
            CreatedAt = new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.FromHours(-5)).AddTicks(7),
            StartedAt = Start.AddMinutes(1),
            FinishedAt = Start.AddMinutes(2),
            UpdatedAt = Start.AddMinutes(2).AddTicks(1),
            Version = 1,
        };

        Assert.True(await ledger.TryWriteAsync(null, job, ct));

        Assert.Equal(job, await ledger.GetAsync("job-1", ct));
        Assert.Null(await ledger.GetAsync("missing", ct));
    }

    [Fact]
    public async Task Empty_strings_read_back_as_empty_not_missing()
    {
        var ledger = Ledger();
        var job = Registered("job-1") with { Body = "", Message = "", OutputTail = "", CommandId = "" };

        Assert.True(await ledger.TryWriteAsync(null, job, ct));

        Assert.Equal(job, await ledger.GetAsync("job-1", ct));
    }

    [Fact]
    public async Task A_lost_compare_and_swap_returns_false_and_writes_neither_the_job_nor_the_counters()
    {
        var ledger = Ledger();
        var v1 = await WriteAsync(ledger, null, Registered("job-1"));
        var claim = JobTransitions.Claim(v1, Queue, Spec("job-1"), Body("job-1"), "w-1", time.GetUtcNow(), Lease, MaxInterruptions).Next!;
        var v2 = await WriteAsync(ledger, v1, claim);
        var counts = await ledger.GetCountsAsync(Queue, ct);

        // A second claimer still holding v1 loses; so does a second insert and an update of a missing job.
        var rival = JobTransitions.Claim(v1, Queue, Spec("job-1"), Body("job-1"), "w-2", time.GetUtcNow(), Lease, MaxInterruptions).Next!;
        Assert.False(await ledger.TryWriteAsync(v1, rival, ct));
        Assert.False(await ledger.TryWriteAsync(null, v1 with { Message = "second insert" }, ct));
        var ghost = Registered("ghost");
        Assert.False(await ledger.TryWriteAsync(ghost, ghost with { Status = JobStatus.Running, Attempts = 1, Version = 2 }, ct));

        Assert.Equal(v2, await ledger.GetAsync("job-1", ct));
        Assert.Equal(counts, await ledger.GetCountsAsync(Queue, ct));
        Assert.Null(await RawItemAsync(clients.DynamoDb, "ghost"));
    }

    [Fact]
    public async Task Of_two_concurrent_claims_exactly_one_wins()
    {
        var ledger = Ledger(through: new SerializedTransactionsDynamoApi(api));
        const int Jobs = 12;
        for (var i = 0; i < Jobs; i++)
        {
            var id = $"job-{i}";
            await WriteAsync(ledger, null, Registered(id));
            var seen = await ledger.GetAsync(id, ct);

            // Both workers read the same version, then race their conditional writes.
            var claims = new[] { "w-a", "w-b" }
                .Select(w => JobTransitions.Claim(seen, Queue, Spec(id), Body(id), w, time.GetUtcNow(), Lease, MaxInterruptions).Next!)
                .ToArray();
            var results = await Task.WhenAll(claims.Select(c => Task.Run(() => ledger.TryWriteAsync(seen, c, ct))));

            Assert.Single(results, r => r);
            var winner = claims[Array.IndexOf(results, true)];
            Assert.Equal(winner, await ledger.GetAsync(id, ct));
        }

        Assert.Equal(new JobCounts { Jobs = Jobs, Running = Jobs, Attempts = Jobs }, await ledger.GetCountsAsync(Queue, ct));
    }

    [Fact]
    public async Task Of_two_concurrent_first_writes_exactly_one_wins()
    {
        var ledger = Ledger(through: new SerializedTransactionsDynamoApi(api));
        for (var i = 0; i < 12; i++)
        {
            var id = $"new-{i}";
            var claims = new[] { "w-a", "w-b" }
                .Select(w => JobTransitions.Claim(null, Queue, Spec(id), Body(id), w, time.GetUtcNow(), Lease, MaxInterruptions).Next!)
                .ToArray();
            var results = await Task.WhenAll(claims.Select(c => Task.Run(() => ledger.TryWriteAsync(null, c, ct))));
            Assert.Single(results, r => r);
            Assert.Equal(claims[Array.IndexOf(results, true)], await ledger.GetAsync(id, ct));
        }

        Assert.Equal(new JobCounts { Jobs = 12, Running = 12, Attempts = 12 }, await ledger.GetCountsAsync(Queue, ct));
    }

    [Fact]
    public async Task Writes_that_break_the_version_rules_are_refused_before_anything_is_sent()
    {
        var ledger = Ledger();
        var v1 = Registered("job-1");

        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(null, v1 with { Version = 2 }, ct));
        await WriteAsync(ledger, null, v1);
        var v2 = JobTransitions.Renewed(v1, time.GetUtcNow(), Lease);
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(v1, v2 with { Version = 3 }, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(v1, v2 with { Version = 1 }, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(v1, v2 with { JobId = "job-2" }, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(v1, v2 with { Queue = "other" }, ct));
        var reserved = await Assert.ThrowsAsync<ArgumentException>(() => ledger.TryWriteAsync(null, Registered("#counters#render"), ct));
        Assert.Contains("reserves", reserved.Message, StringComparison.Ordinal);

        Assert.Equal(v1, await ledger.GetAsync("job-1", ct));
        Assert.Equal(new JobCounts { Jobs = 1, Queued = 1 }, await ledger.GetCountsAsync(Queue, ct));
    }

    [Fact]
    public async Task An_invalid_job_is_counted_as_failed_and_invalid()
    {
        var ledger = Ledger();
        var invalid = JobTransitions.Invalid(null, Queue, "bad-1", "{\"job_id\": \"bad-1\", \"commands\": 7", "commands: expected an array", time.GetUtcNow());

        await WriteAsync(ledger, null, invalid);

        Assert.Equal(new JobCounts { Jobs = 1, Failed = 1, Invalid = 1 }, await ledger.GetCountsAsync(Queue, ct));
        var raw = await RawItemAsync(clients.DynamoDb, "bad-1");
        Assert.Equal("Failed", raw!["Status"].S);
        Assert.NotNull(raw["expires_at"].N);
    }

    [Fact]
    public async Task Lists_by_status_and_by_queue_page_through_the_index_in_creation_order()
    {
        var counting = new FaultInjectingDynamoApi(api);
        var ledger = Ledger(through: counting, pageLimit: 3);
        var expected = new List<JobRecord>();
        for (var i = 0; i < 23; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var queue = i % 3 == 0 ? "other" : Queue;
            var job = Registered($"job-{i:00}", queue);
            Assert.True(await ledger.TryWriteAsync(null, job, ct));
            if (i % 2 == 0)
            {
                var claimed = JobTransitions.Claim(job, queue, Spec(job.JobId), Body(job.JobId), "w-1", time.GetUtcNow(), Lease, MaxInterruptions).Next!;
                Assert.True(await ledger.TryWriteAsync(job, claimed, ct));
                job = claimed;
            }

            if (i % 4 == 0)
            {
                var done = JobTransitions.Succeeded(job, 0, "ok", time.GetUtcNow());
                Assert.True(await ledger.TryWriteAsync(job, done, ct));
                job = done;
            }

            expected.Add(job);
        }

        // Claims were written after creation, so the index order (updated_at) differs from creation order in places.
        Assert.Equal(expected, await ledger.ListAsync(null, null, ct));
        Assert.Equal(expected.Where(j => j.Queue == Queue), await ledger.ListAsync(Queue, null, ct));
        Assert.Equal(expected.Where(j => j.Status == JobStatus.Running), await ledger.ListAsync(null, JobStatus.Running, ct));
        Assert.Equal(expected.Where(j => j.Queue == Queue && j.Status == JobStatus.Queued), await ledger.ListAsync(Queue, JobStatus.Queued, ct));
        Assert.Empty(await ledger.ListAsync(Queue, JobStatus.Failed, ct));
        Assert.Empty(await ledger.ListAsync("nobody", null, ct));

        // 23 jobs in pages of 3: one query per status partition would be 4 calls; paging needs at least 8.
        var before = counting.Calls(nameof(IDynamoApi.QueryAsync));
        Assert.Equal(23, (await ledger.ListAsync(null, null, ct)).Count);
        Assert.True(counting.Calls(nameof(IDynamoApi.QueryAsync)) - before >= 8, "the list did not page through LastEvaluatedKey");
    }

    [Fact]
    public async Task Get_item_by_job_id_shows_the_seed_style_attributes()
    {
        var ledger = Ledger();
        var queued = await WriteAsync(ledger, null, Registered("jobId_0", retry: 3));
        var raw = await RawItemAsync(clients.DynamoDb, "jobId_0");
        Assert.Equal("Queued", raw!["Status"].S);
        Assert.Equal("QUEUED", raw["status"].S);
        Assert.Equal("0 of 3", raw["Retries"].S);
        Assert.False(raw.ContainsKey("instance_id"));

        var running = JobTransitions.Claim(queued, Queue, Spec("jobId_0", 3), Body("jobId_0", 3), "i-0abc", time.GetUtcNow(), Lease, MaxInterruptions).Next!;
        await WriteAsync(ledger, queued, running);
        raw = await RawItemAsync(clients.DynamoDb, "jobId_0");
        Assert.Equal("Started", raw!["Status"].S);
        Assert.Equal("i-0abc", raw["instance_id"].S);
        Assert.Equal(Queue, raw["queue"].S);
        Assert.Equal("2", raw["version"].N);

        var failed = JobTransitions.Failed(running, JobReasons.NonZeroExit, "exit 1", 1, "Hello? no\n", time.GetUtcNow());
        await WriteAsync(ledger, running, failed);
        raw = await RawItemAsync(clients.DynamoDb, "jobId_0");
        Assert.Equal("Queued", raw!["Status"].S);
        Assert.Equal("1 of 3", raw["Retries"].S);
        Assert.Equal("Hello? no\n", raw["Output_Logs"].S);
        Assert.Equal("NonZeroExit", raw["reason"].S);

        var again = JobTransitions.Claim(failed, Queue, Spec("jobId_0", 3), Body("jobId_0", 3), "i-0def", time.GetUtcNow(), Lease, MaxInterruptions).Next!;
        await WriteAsync(ledger, failed, again);
        await WriteAsync(ledger, again, JobTransitions.Succeeded(again, 0, "Hello World\n", time.GetUtcNow()));
        raw = await RawItemAsync(clients.DynamoDb, "jobId_0");
        Assert.Equal("Successful", raw!["Status"].S);
        Assert.Equal("1 of 3", raw["Retries"].S);
        Assert.Equal("i-0def", raw["instance_id"].S);
        Assert.Equal("Hello World\n", raw["Output_Logs"].S);
    }

    [Fact]
    public async Task A_lease_longer_than_twelve_hours_is_still_held_and_renewable()
    {
        var ledger = Ledger();
        var registered = await WriteAsync(ledger, null, Registered("long-1"));
        var hour = TimeSpan.FromHours(1);
        var current = JobTransitions.Claim(registered, Queue, Spec("long-1"), Body("long-1"), "w-1", time.GetUtcNow(), hour, MaxInterruptions).Next!;
        await WriteAsync(ledger, registered, current);

        // The running worker renews every 40 minutes for 13 hours, past SQS's 12-hour visibility ceiling.
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(13); elapsed += TimeSpan.FromMinutes(40))
        {
            time.Advance(TimeSpan.FromMinutes(40));
            current = await WriteAsync(ledger, current, JobTransitions.Renewed(current, time.GetUtcNow(), hour));
        }

        Assert.True(time.GetUtcNow() - current.StartedAt > TimeSpan.FromHours(12));
        var other = JobTransitions.Claim(await ledger.GetAsync("long-1", ct), Queue, Spec("long-1"), Body("long-1"), "w-2", time.GetUtcNow(), hour, MaxInterruptions);
        Assert.Equal(ClaimKind.HeldByOther, other.Kind);
        current = await WriteAsync(ledger, current, JobTransitions.Renewed(current, time.GetUtcNow(), hour));

        // One lease of 14 hours, never renewed, is also still held after 13.
        var single = await WriteAsync(ledger, null, Registered("long-2"));
        var held = await WriteAsync(ledger, single,
            JobTransitions.Claim(single, Queue, Spec("long-2"), Body("long-2"), "w-1", time.GetUtcNow(), TimeSpan.FromHours(14), MaxInterruptions).Next!);
        time.Advance(TimeSpan.FromHours(13));
        Assert.Equal(ClaimKind.HeldByOther,
            JobTransitions.Claim(await ledger.GetAsync("long-2", ct), Queue, Spec("long-2"), Body("long-2"), "w-2", time.GetUtcNow(), hour, MaxInterruptions).Kind);
        Assert.Null((await RawItemAsync(clients.DynamoDb, "long-2"))!.GetValueOrDefault("expires_at"));

        // Once its holder stops renewing, the lease runs out and the next claim counts an interruption.
        time.Advance(TimeSpan.FromHours(2));
        var taken = JobTransitions.Claim(await ledger.GetAsync("long-2", ct), Queue, Spec("long-2"), Body("long-2"), "w-2", time.GetUtcNow(), hour, MaxInterruptions);
        Assert.Equal(ClaimKind.Claimed, taken.Kind);
        await WriteAsync(ledger, held, taken.Next!);
        Assert.Equal(1, taken.Next!.Interruptions);
        Assert.Equal(1, (await ledger.GetCountsAsync(Queue, ct)).Interruptions);
    }

    [Fact]
    public async Task Only_terminal_records_carry_the_ttl_attribute()
    {
        var ledger = Ledger(retention: TimeSpan.FromDays(3));
        var queued = await WriteAsync(ledger, null, Registered("ttl-1"));
        Assert.False((await RawItemAsync(clients.DynamoDb, "ttl-1"))!.ContainsKey("expires_at"));

        var running = await WriteAsync(ledger, queued, JobTransitions.Claim(queued, Queue, Spec("ttl-1"), Body("ttl-1"), "w-1", time.GetUtcNow(), Lease, MaxInterruptions).Next!);
        Assert.False((await RawItemAsync(clients.DynamoDb, "ttl-1"))!.ContainsKey("expires_at"));

        time.Advance(TimeSpan.FromMinutes(7));
        var done = await WriteAsync(ledger, running, JobTransitions.Succeeded(running, 0, "ok", time.GetUtcNow()));
        var raw = await RawItemAsync(clients.DynamoDb, "ttl-1");
        Assert.Equal((done.FinishedAt!.Value + TimeSpan.FromDays(3)).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), raw!["expires_at"].N);

        // The counter item never expires: it has no expires_at (and no status, so it is not listed).
        var counters = await RawItemAsync(clients.DynamoDb, DynamoLedgerSchema.CounterKey(Queue));
        Assert.False(counters!.ContainsKey("expires_at"));
        Assert.False(counters.ContainsKey("status"));
        Assert.Null(await ledger.GetAsync(DynamoLedgerSchema.CounterKey(Queue), ct));
        Assert.DoesNotContain(await ledger.ListAsync(null, null, ct), j => j.JobId.StartsWith('#'));
    }

    [Fact]
    public async Task A_row_the_seed_wrote_is_not_a_job_until_the_first_write_replaces_it()
    {
        await clients.DynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = Table,
            Item = new Dictionary<string, AttributeValue>
            {
                ["job_id"] = new() { S = "jobId_0" },
                ["Status"] = new() { S = "Started" },
                ["Retries"] = new() { S = "0 of 3" },
                ["SSM_Document"] = new() { S = "AWS-RunShellScript" },
                ["Commands"] = new() { S = "['echo Hello World']" },
                ["Output_Logs"] = new() { S = "null" },
                ["instance_id"] = new() { S = "i-0seed" },
            },
        });
        var ledger = Ledger();

        Assert.Null(await ledger.GetAsync("jobId_0", ct));
        Assert.Empty(await ledger.ListAsync(null, null, ct));
        var registered = await WriteAsync(ledger, null, Registered("jobId_0", retry: 3));

        // Replaced whole, and from then on it is a Shoal record under compare-and-swap.
        Assert.False((await RawItemAsync(clients.DynamoDb, "jobId_0"))!.ContainsKey("SSM_Document"));
        Assert.False(await ledger.TryWriteAsync(null, registered, ct));
        Assert.Equal(new JobCounts { Jobs = 1, Queued = 1 }, await ledger.GetCountsAsync(Queue, ct));
    }

    [Fact]
    public async Task Huge_output_and_body_are_truncated_to_keep_the_item_under_dynamodbs_limit()
    {
        var ledger = Ledger();
        var output = string.Concat(Enumerable.Repeat("line of output ✓\n", 20_000)) + "the end\n";
        var body = "{\"job_id\": \"big-1\", \"pad\": \"" + new string('x', 300_000) + "\"}";
        var job = Registered("big-1") with { Body = body, OutputTail = output };

        Assert.True(await ledger.TryWriteAsync(null, job, ct));

        var stored = await ledger.GetAsync("big-1", ct);
        Assert.EndsWith("the end\n", stored!.OutputTail, StringComparison.Ordinal);
        Assert.StartsWith(DynamoJobItem.TruncatedOutputMarker, stored.OutputTail, StringComparison.Ordinal);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(stored.OutputTail!), 1, DynamoJobItem.OutputLogsMaxBytes);
        Assert.StartsWith("{\"job_id\": \"big-1\"", stored.Body, StringComparison.Ordinal);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(stored.Body!), 1, DynamoJobItem.BodyMaxBytes);
    }
}
