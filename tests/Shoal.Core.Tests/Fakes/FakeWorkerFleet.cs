using Shoal.Core.Ports;

namespace Shoal.Core.Tests.Fakes;

/// <summary>
/// Workers on the fake clock: a launch returns up to Capacity workers that become ready ReadyAfter
/// later (never, when null); a retried launch with the same client token returns the same workers.
/// </summary>
public sealed class FakeWorkerFleet(TimeProvider time, FakeEventLog? log = null) : IWorkerFleet
{
    private readonly object gate = new();
    private readonly Dictionary<string, Worker> workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<WorkerInfo>> byToken = new(StringComparer.Ordinal);
    private readonly List<LaunchRequest> launches = [];
    private readonly List<TerminatedWorker> terminations = [];
    private int nextId;
    private int failDescribes;
    private int maxAlive;
    private int describes;

    public FakeEventLog Log { get; } = log ?? new FakeEventLog();

    /// <summary>How long a new worker's agent takes to register; null: never.</summary>
    public TimeSpan? ReadyAfter { get; set; } = TimeSpan.Zero;

    /// <summary>Most workers one launch returns (partial capacity); null: as many as asked.</summary>
    public int? Capacity { get; set; }

    public IReadOnlyList<LaunchRequest> Launches => Snapshot(launches);

    public IReadOnlyList<TerminatedWorker> Terminations => Snapshot(terminations);

    /// <summary>Workers launched or added and not terminated.</summary>
    public int Alive
    {
        get
        {
            lock (gate)
            {
                return workers.Values.Count(w => !w.Terminated);
            }
        }
    }

    /// <summary>The most workers alive at any one time.</summary>
    public int MaxAlive
    {
        get
        {
            lock (gate)
            {
                return maxAlive;
            }
        }
    }

    public int Describes
    {
        get
        {
            lock (gate)
            {
                return describes;
            }
        }
    }

    public int Launched
    {
        get
        {
            lock (gate)
            {
                return workers.Count;
            }
        }
    }

    /// <summary>Adds a worker as if launched now (WorkerLoop tests that do not launch).</summary>
    public void Add(string workerId, TimeSpan? readyAfter)
    {
        lock (gate)
        {
            workers.Add(workerId, new Worker(workerId, time.GetUtcNow(), readyAfter));
            maxAlive = Math.Max(maxAlive, workers.Values.Count(w => !w.Terminated));
        }
    }

    /// <summary>The backend loses the worker (instance gone before or while it runs).</summary>
    public void Lose(string workerId)
    {
        lock (gate)
        {
            workers[workerId].Terminated = true;
        }
    }

    public void FailNextDescribes(int times)
    {
        lock (gate)
        {
            failDescribes = times;
        }
    }

    /// <summary>A worker someone else launched (for adoption): known to the fleet, not launched through it.</summary>
    public WorkerInfo LaunchedElsewhere(string id)
    {
        lock (gate)
        {
            var worker = new Worker(id, time.GetUtcNow(), ReadyAfter);
            workers.Add(id, worker);
            return worker.Describe(time.GetUtcNow());
        }
    }

    public Task<IReadOnlyList<WorkerInfo>> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            launches.Add(request);
            if (byToken.TryGetValue(request.ClientToken, out var again))
            {
                return Task.FromResult<IReadOnlyList<WorkerInfo>>(again);
            }

            var count = Math.Min(request.Count, Capacity ?? int.MaxValue);
            var infos = new List<WorkerInfo>(count);
            for (var i = 0; i < count; i++)
            {
                var worker = new Worker($"{request.Pool}-w{++nextId}", time.GetUtcNow(), ReadyAfter);
                workers.Add(worker.Id, worker);
                infos.Add(worker.Describe(time.GetUtcNow()));
            }

            byToken[request.ClientToken] = infos;
            maxAlive = Math.Max(maxAlive, workers.Values.Count(w => !w.Terminated));
            Log.Record(time.GetUtcNow(), "fleet", $"launch {count} of {request.Count}");
            return Task.FromResult<IReadOnlyList<WorkerInfo>>(infos);
        }
    }

    public Task<WorkerInfo?> DescribeAsync(string workerId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            describes++;
            if (failDescribes > 0)
            {
                failDescribes--;
                throw new InvalidOperationException("fleet API unreachable (scripted)");
            }

            return Task.FromResult(workers.TryGetValue(workerId, out var worker) ? worker.Describe(time.GetUtcNow()) : null);
        }
    }

    public Task TerminateAsync(string workerId, string reason, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (workers.TryGetValue(workerId, out var worker))
            {
                worker.Terminated = true;
            }

            terminations.Add(new TerminatedWorker(workerId, reason, time.GetUtcNow()));
        }

        Log.Record(time.GetUtcNow(), "fleet", $"terminate {workerId} {reason}");
        return Task.CompletedTask;
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (gate)
        {
            return [.. list];
        }
    }

    private sealed class Worker(string id, DateTimeOffset launchedAt, TimeSpan? readyAfter)
    {
        public string Id { get; } = id;

        public bool Terminated { get; set; }

        public WorkerInfo Describe(DateTimeOffset now) => new()
        {
            WorkerId = Id,
            State = Terminated ? WorkerState.Terminated : WorkerState.Running,
            Ready = !Terminated && readyAfter is { } after && now >= launchedAt + after,
            InstanceType = "m7i.large",
            Zone = "eu-west-1a",
            LaunchedAt = launchedAt,
        };
    }
}
