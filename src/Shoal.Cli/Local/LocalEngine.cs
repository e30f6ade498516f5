using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Scaling;
using Shoal.Core.Workers;
using Shoal.Local.Commands;
using Shoal.Local.Fleet;
using Shoal.Local.Ingest;
using Shoal.Local.Ledger;
using Shoal.Local.Queue;

namespace Shoal.Cli.Local;

/// <summary>The embedded mode's ports over one state directory, opened together and closed together.</summary>
internal sealed class LocalEngine : IAsyncDisposable
{
    private LocalEngine(StateDirectory state, SqliteJobQueue queue, SqliteJobLedger ledger)
    {
        State = state;
        Queue = queue;
        Ledger = ledger;
    }

    public StateDirectory State { get; }

    public SqliteJobQueue Queue { get; }

    public SqliteJobLedger Ledger { get; }

    public LocalWorkerFleet? Fleet { get; private set; }

    public LocalCommandRunner? Runner { get; private set; }

    public FolderIngest? Ingest { get; private set; }

    /// <summary>Opens the queue and the ledger only: what `submit`, `jobs` and `job` need.</summary>
    public static LocalEngine Open(StateDirectory state, string queueName, TimeProvider time)
    {
        state.Create();
        return new LocalEngine(state, new SqliteJobQueue(state.QueueDatabase, queueName, time), new SqliteJobLedger(state.LedgerDatabase, time));
    }

    /// <summary>
    /// Adds the workers. Call with the state directory locked: whatever a previous run left in flight
    /// belongs to a dead process, so its processes are killed, its messages made visible and its leases
    /// ended; the next claim of each such job counts an interruption, never a failure.
    /// </summary>
    public async Task<int> StartWorkersAsync(LocalFleetOptions fleetOptions, FolderIngestOptions? ingest, TimeProvider time, CancellationToken cancellationToken)
    {
        LocalCommandRunner.ReapOrphans(State.Root);
        await Queue.RecoverInFlightAsync(cancellationToken);
        var recovered = 0;
        foreach (var running in await Ledger.ListAsync(null, JobStatus.Running, cancellationToken))
        {
            if (await Ledger.TryWriteAsync(running, JobTransitions.LeaseRevoked(running, time.GetUtcNow()), cancellationToken))
            {
                recovered++;
            }
        }

        Fleet = new LocalWorkerFleet(fleetOptions, time);
        var interruptions = fleetOptions.InterruptProbability > 0
            ? new InterruptionSimulator(fleetOptions.InterruptProbability, fleetOptions.Seed, fleetOptions.InterruptWindow)
            : null;
        Runner = new LocalCommandRunner(Fleet, time, interruptions);
        Ingest = ingest is null ? null : new FolderIngest(ingest, Queue, Ledger, time);
        return recovered;
    }

    public WorkerLoopPorts Ports() => new(Queue, Ledger, Runner ?? throw new InvalidOperationException("workers not started"), Fleet!);

    public async ValueTask DisposeAsync()
    {
        Runner?.Dispose();
        await Queue.DisposeAsync();
        await Ledger.DisposeAsync();
    }
}
