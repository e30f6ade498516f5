using Microsoft.Extensions.Time.Testing;
using Shoal.Core.Ports;
using Shoal.Local.Fleet;

namespace Shoal.Local.Tests.Fleet;

public sealed class LocalWorkerFleetTests : IDisposable
{
    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "shoal-local-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken ct = CancellationToken.None;

    public void Dispose() => Directory.Delete(stateDirectory, recursive: true);

    private LocalWorkerFleet Fleet(TimeSpan bootDelay = default) =>
        new(new LocalFleetOptions { StateDirectory = stateDirectory, BootDelay = bootDelay }, time);

    [Fact]
    public async Task Launch_gives_distinct_ready_running_workers_each_with_its_own_directory()
    {
        var fleet = Fleet();

        var workers = await fleet.LaunchAsync(new LaunchRequest("pool", "jobs", 3, "token-1"), ct);

        Assert.Equal(3, workers.Count);
        Assert.Equal(3, workers.Select(w => w.WorkerId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(workers, w =>
        {
            Assert.Equal(WorkerState.Running, w.State);
            Assert.True(w.Ready);
            Assert.Equal(time.GetUtcNow(), w.LaunchedAt);
            Assert.True(Directory.Exists(Path.Combine(fleet.WorkersDirectory, w.WorkerId)));
        });
        Assert.Equal(Path.Combine(stateDirectory, "workers"), fleet.WorkersDirectory);
        Assert.Equal(3, Directory.EnumerateDirectories(fleet.WorkersDirectory).Count());
        foreach (var w in workers)
        {
            Assert.Equal(w, await fleet.DescribeAsync(w.WorkerId, ct));
        }
    }

    [Fact]
    public async Task Same_client_token_launches_once()
    {
        var fleet = Fleet();

        var first = await fleet.LaunchAsync(new LaunchRequest("pool", "jobs", 2, "token-1"), ct);
        var again = await fleet.LaunchAsync(new LaunchRequest("pool", "jobs", 2, "token-1"), ct);

        Assert.Equal(first.Select(w => w.WorkerId), again.Select(w => w.WorkerId));
        Assert.Equal(2, Directory.EnumerateDirectories(fleet.WorkersDirectory).Count());

        var other = await fleet.LaunchAsync(new LaunchRequest("pool", "jobs", 1, "token-2"), ct);
        Assert.DoesNotContain(Assert.Single(other).WorkerId, first.Select(w => w.WorkerId));
        Assert.Equal(3, Directory.EnumerateDirectories(fleet.WorkersDirectory).Count());
    }

    [Fact]
    public async Task Same_client_token_launches_once_even_when_retried_concurrently()
    {
        var fleet = Fleet();
        using var gate = new ManualResetEventSlim();
        var launches = Enumerable.Range(0, 16)
            .Select(_ => Task.Factory.StartNew(
                () =>
                {
                    gate.Wait();
                    return fleet.LaunchAsync(new LaunchRequest("pool", "jobs", 4, "token-1"), ct);
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap())
            .ToList();
        gate.Set();

        var results = await Task.WhenAll(launches);

        var ids = results[0].Select(w => w.WorkerId).ToList();
        Assert.All(results, r => Assert.Equal(ids, r.Select(w => w.WorkerId)));
        Assert.Equal(4, Directory.EnumerateDirectories(fleet.WorkersDirectory).Count());
    }

    [Fact]
    public async Task Worker_is_not_ready_until_its_boot_delay_has_passed()
    {
        var fleet = Fleet(TimeSpan.FromSeconds(30));

        var worker = Assert.Single(await fleet.LaunchAsync(new LaunchRequest("pool", "jobs", 1, "token-1"), ct));

        Assert.Equal(WorkerState.Running, worker.State);
        Assert.False(worker.Ready);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False((await fleet.DescribeAsync(worker.WorkerId, ct))!.Ready);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await fleet.DescribeAsync(worker.WorkerId, ct))!.Ready);
    }

    [Fact]
    public async Task Terminate_is_idempotent_removes_the_directory_and_raises_WorkerStopped_once()
    {
        var fleet = Fleet();
        var stopped = new List<string>();
        fleet.WorkerStopped += stopped.Add;
        var workers = await fleet.LaunchAsync(new LaunchRequest("pool", "jobs", 2, "token-1"), ct);
        var victim = workers[0].WorkerId;
        File.WriteAllText(Path.Combine(fleet.WorkersDirectory, victim, "scratch.txt"), "x");

        await fleet.TerminateAsync(victim, "scale-in", ct);
        await fleet.TerminateAsync(victim, "again", ct);
        fleet.Reclaim(victim);

        Assert.Equal([victim], stopped);
        var info = await fleet.DescribeAsync(victim, ct);
        Assert.Equal(WorkerState.Terminated, info!.State);
        Assert.False(info.Ready);
        Assert.Equal("scale-in", info.StateReason);
        Assert.False(Directory.Exists(Path.Combine(fleet.WorkersDirectory, victim)));

        var survivor = await fleet.DescribeAsync(workers[1].WorkerId, ct);
        Assert.Equal(WorkerState.Running, survivor!.State);
        Assert.True(Directory.Exists(Path.Combine(fleet.WorkersDirectory, workers[1].WorkerId)));
    }

    [Fact]
    public async Task Reclaim_terminates_with_the_spot_reason()
    {
        var fleet = Fleet();
        var stopped = 0;
        fleet.WorkerStopped += _ => stopped++;
        var worker = Assert.Single(await fleet.LaunchAsync(new LaunchRequest("pool", "jobs", 1, "token-1"), ct));

        fleet.Reclaim(worker.WorkerId);

        var info = await fleet.DescribeAsync(worker.WorkerId, ct);
        Assert.Equal(WorkerState.Terminated, info!.State);
        Assert.Equal("SpotInterruption", info.StateReason);
        Assert.Equal(1, stopped);
    }

    [Fact]
    public async Task Unknown_workers_are_described_as_null_and_terminate_as_a_no_op()
    {
        var fleet = Fleet();
        var stopped = 0;
        fleet.WorkerStopped += _ => stopped++;

        Assert.Null(await fleet.DescribeAsync("w-nobody-001", ct));
        await fleet.TerminateAsync("w-nobody-001", "gone", ct);

        Assert.Equal(0, stopped);
    }
}
