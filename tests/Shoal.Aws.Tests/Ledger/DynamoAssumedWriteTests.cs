using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Ledger;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Workers;
using static Shoal.Aws.Tests.Ledger.LedgerTestKit;

namespace Shoal.Aws.Tests.Ledger;

/// <summary>
/// Claims without a read first, against moto: the write checks what the claim was computed from, keeps
/// the stored created_at, and hands back the stored item when it loses, so a wrong guess costs no extra read.
/// </summary>
public sealed class DynamoAssumedWriteTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private const string Queue = "render";

    private readonly FakeTimeProvider time = new(Start);
    private readonly CancellationToken ct = CancellationToken.None;
    private AwsClients clients = null!;
    private DynamoJobLedger ledger = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        clients = moto.NewClients();
        var api = new DynamoApi(clients.DynamoDb);
        await ProvisionAsync(api);
        ledger = new DynamoJobLedger(api, Table, time);
    }

    public Task DisposeAsync()
    {
        clients.Dispose();
        return Task.CompletedTask;
    }

    // What the worker assumes from a first delivery: the submitter's record, with the message's send time
    // standing in for the creation time it cannot know.
    private JobRecord Assumed(string id, DateTimeOffset sentAt, string queue = Queue) => JobTransitions.Registered(queue, Spec(id), Body(id), sentAt);

    private JobRecord ClaimOf(JobRecord? baseline, string id, string worker = "w-1") =>
        JobTransitions.Claim(baseline, Queue, Spec(id), Body(id), worker, time.GetUtcNow(), Lease, 10).Next!;

    [Fact]
    public async Task A_registered_job_is_claimed_in_one_request_and_keeps_its_stored_creation_time()
    {
        var registeredAt = time.GetUtcNow();
        Assert.True(await ledger.TryWriteAsync(null, JobTransitions.Registered(Queue, Spec("job-1"), Body("job-1"), registeredAt), ct));
        time.Advance(TimeSpan.FromSeconds(3));
        var counted = clients.Counter.Calls.GetValueOrDefault("DynamoDB.TransactWriteItems");

        var assumed = Assumed("job-1", registeredAt - TimeSpan.FromMilliseconds(40));
        var write = await ledger.TryWriteAssumingAsync(assumed, ClaimOf(assumed, "job-1"), ct);

        Assert.True(write.Written);
        Assert.Equal(counted + 1, clients.Counter.Calls["DynamoDB.TransactWriteItems"]);
        var stored = await ledger.GetAsync("job-1", ct);
        Assert.Equal(JobStatus.Running, stored!.Status);
        Assert.Equal(2, stored.Version);
        Assert.Equal(registeredAt, stored.CreatedAt);
        Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 1 }, await ledger.GetCountsAsync(Queue, ct));
    }

    [Fact]
    public async Task Later_writes_from_a_claim_made_on_an_assumption_keep_the_stored_creation_time_too()
    {
        var registeredAt = time.GetUtcNow();
        await ledger.TryWriteAsync(null, JobTransitions.Registered(Queue, Spec("job-1"), Body("job-1"), registeredAt), ct);
        var assumed = Assumed("job-1", registeredAt.AddSeconds(-1));
        var running = ClaimOf(assumed, "job-1");
        Assert.True((await ledger.TryWriteAssumingAsync(assumed, running, ct)).Written);

        time.Advance(TimeSpan.FromMinutes(1));
        var done = JobTransitions.Succeeded(running with { CommandId = "cmd-1" }, 0, "ok\n", time.GetUtcNow());
        Assert.True(await ledger.TryWriteAsync(running, done, ct));

        var stored = await ledger.GetAsync("job-1", ct);
        Assert.Equal(registeredAt, stored!.CreatedAt);
        Assert.Equal("cmd-1", stored.CommandId);
        Assert.Null(stored.LeaseOwner);
        var raw = await RawItemAsync(clients.DynamoDb, "job-1");
        Assert.False(raw!.ContainsKey("lease_owner"));
        Assert.False(raw.ContainsKey("lease_expires_at"));
        Assert.True(raw.ContainsKey("expires_at"));
    }

    [Fact]
    public async Task A_job_nobody_registered_loses_the_assumption_and_learns_there_is_no_record_without_a_read()
    {
        var assumed = Assumed("sent-by-cli", time.GetUtcNow());
        var reads = clients.Counter.Calls.GetValueOrDefault("DynamoDB.GetItem");

        var write = await ledger.TryWriteAssumingAsync(assumed, ClaimOf(assumed, "sent-by-cli"), ct);

        Assert.Equal(new AssumedWrite(false, null), write);
        Assert.Null(await ledger.GetAsync("sent-by-cli", ct));
        Assert.Equal(reads + 1, clients.Counter.Calls["DynamoDB.GetItem"]); // only the check above
        Assert.Equal(JobCounts.Zero, await ledger.GetCountsAsync(Queue, ct));
    }

    [Fact]
    public async Task A_job_another_worker_claimed_first_is_not_claimed_again_and_its_record_comes_back()
    {
        // Both saw the message's first delivery (a duplicate): the first claim wins from nothing.
        var assumed = Assumed("job-2", time.GetUtcNow());
        var first = ClaimOf(null, "job-2", "w-1");
        Assert.True(await ledger.TryWriteAsync(null, first, ct)); // Running at version 1

        var write = await ledger.TryWriteAssumingAsync(assumed, ClaimOf(assumed, "job-2", "w-2"), ct);

        Assert.False(write.Written);
        Assert.Equal(first, write.Stored);
        Assert.Equal("w-1", (await ledger.GetAsync("job-2", ct))!.LeaseOwner);
        Assert.Equal(new JobCounts { Jobs = 1, Running = 1, Attempts = 1 }, await ledger.GetCountsAsync(Queue, ct));
    }

    [Fact]
    public async Task A_registration_on_another_queue_is_not_taken_for_this_one()
    {
        var other = JobTransitions.Registered("other", Spec("job-3"), Body("job-3"), time.GetUtcNow());
        await ledger.TryWriteAsync(null, other, ct);
        var assumed = Assumed("job-3", time.GetUtcNow());

        var write = await ledger.TryWriteAssumingAsync(assumed, ClaimOf(assumed, "job-3"), ct);

        Assert.False(write.Written);
        Assert.Equal(other, write.Stored);
        Assert.Equal(new JobCounts { Jobs = 1, Queued = 1 }, await ledger.GetCountsAsync("other", ct));
        Assert.Equal(JobCounts.Zero, await ledger.GetCountsAsync(Queue, ct));
    }

    [Fact]
    public async Task A_lost_version_check_of_an_ordinary_write_still_reports_false()
    {
        var registered = JobTransitions.Registered(Queue, Spec("job-4"), Body("job-4"), time.GetUtcNow());
        await ledger.TryWriteAsync(null, registered, ct);
        var claim = ClaimOf(registered, "job-4");
        Assert.True(await ledger.TryWriteAsync(registered, claim, ct));

        Assert.False(await ledger.TryWriteAsync(registered, ClaimOf(registered, "job-4", "w-2"), ct));
        Assert.Equal(claim, await ledger.GetAsync("job-4", ct));
    }
}
