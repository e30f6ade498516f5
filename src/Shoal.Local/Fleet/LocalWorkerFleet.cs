using System.Collections.Concurrent;
using System.Globalization;
using Shoal.Core.Ports;

namespace Shoal.Local.Fleet;

/// <summary>
/// Workers as local sandboxes: each gets its own directory under the state directory and disappears
/// with it on termination, as an instance and its volume would. Launch is idempotent per client token.
/// </summary>
public sealed class LocalWorkerFleet : IWorkerFleet
{
    private readonly ConcurrentDictionary<string, LocalWorker> workers = new();
    // Lazy: GetOrAdd may run its factory for each of two racing callers; only one launch may happen.
    private readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<WorkerInfo>>> launches = new();
    private readonly LocalFleetOptions options;
    private readonly TimeProvider time;
    private readonly string runId;
    private int sequence;

    public LocalFleetOptions Options => options;

    public LocalWorkerFleet(LocalFleetOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.time = time;
        runId = time.GetUtcNow().ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture)[^6..];
        WorkersDirectory = Path.Combine(options.StateDirectory, "workers");
        Directory.CreateDirectory(WorkersDirectory);
    }

    /// <summary>Raised when a worker is terminated or reclaimed, so its running commands die with it.</summary>
    public event Action<string>? WorkerStopped;

    public string WorkersDirectory { get; }

    public Task<IReadOnlyList<WorkerInfo>> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var launch = launches.GetOrAdd(request.ClientToken, _ => new Lazy<IReadOnlyList<WorkerInfo>>(() => Launch(request.Count)));
        try
        {
            return Task.FromResult(launch.Value);
        }
        catch
        {
            // A failed launch is not remembered: a retry with the same token tries again.
            launches.TryRemove(new KeyValuePair<string, Lazy<IReadOnlyList<WorkerInfo>>>(request.ClientToken, launch));
            throw;
        }
    }

    public Task<WorkerInfo?> DescribeAsync(string workerId, CancellationToken cancellationToken) =>
        Task.FromResult(workers.TryGetValue(workerId, out var worker) ? Describe(worker, time.GetUtcNow()) : null);

    public Task TerminateAsync(string workerId, string reason, CancellationToken cancellationToken)
    {
        Stop(workerId, WorkerState.Terminated, reason);
        return Task.CompletedTask;
    }

    /// <summary>A simulated spot reclaim: the worker vanishes under its running job.</summary>
    public void Reclaim(string workerId) => Stop(workerId, WorkerState.Terminated, "SpotInterruption");

    internal LocalWorker? Find(string workerId) => workers.TryGetValue(workerId, out var worker) ? worker : null;

    private void Stop(string workerId, WorkerState state, string reason)
    {
        if (!workers.TryGetValue(workerId, out var worker))
        {
            return;
        }

        lock (worker)
        {
            if (worker.State == WorkerState.Terminated)
            {
                return;
            }

            worker.State = state;
            worker.StateReason = reason;
        }

        WorkerStopped?.Invoke(workerId);
        TryDelete(worker.Directory);
    }

    private List<WorkerInfo> Launch(int count)
    {
        var now = time.GetUtcNow();
        var launched = new List<WorkerInfo>(count);
        for (var i = 0; i < count; i++)
        {
            var id = $"w-{runId}-{Interlocked.Increment(ref sequence):D3}";
            var directory = Path.Combine(WorkersDirectory, id);
            Directory.CreateDirectory(directory);
            var worker = new LocalWorker(id, directory, now, now + options.BootDelay);
            workers[id] = worker;
            launched.Add(Describe(worker, now));
        }

        return launched;
    }

    private static WorkerInfo Describe(LocalWorker worker, DateTimeOffset now) => new()
    {
        WorkerId = worker.Id,
        State = worker.State,
        Ready = worker.State == WorkerState.Running && now >= worker.ReadyAt,
        InstanceType = "local",
        Zone = "local",
        CapacityType = "spot",
        LaunchedAt = worker.LaunchedAt,
        StateReason = worker.StateReason,
    };

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A command still closing its files; the next run's clean-up removes it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
