using k8s.LeaderElection;

namespace Shoal.Operator.Tests.Runtime;

// The Lease as LeaderElector sees it (ILock), in memory. Records are copied in and out so the elector never
// shares an instance with the test.
internal sealed class FakeLock(string identity) : ILock
{
    private readonly Lock gate = new();
    private readonly TaskCompletionSource thirdGet = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LeaderElectionRecord? record;
    private int gets;

    public string Identity => identity;

    // When set, another replica holds the lease and renews it before every read.
    public string? HeldBy { get; set; }

    public bool RefuseUpdates { get; set; }

    public LeaderElectionRecord? Record
    {
        get
        {
            lock (gate)
            {
                return Copy(record);
            }
        }
    }

    public Task ThirdGet => thirdGet.Task;

    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (++gets == 3)
            {
                thirdGet.TrySetResult();
            }

            if (HeldBy is not null)
            {
                var now = DateTime.UtcNow;
                record = new LeaderElectionRecord { HolderIdentity = HeldBy, AcquireTime = now, RenewTime = now, LeaseDurationSeconds = 15, LeaderTransitions = gets };
            }

            return Task.FromResult(Copy(record)!);
        }
    }

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (this.record is not null)
            {
                return Task.FromResult(false);
            }

            this.record = Copy(record);
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (RefuseUpdates)
            {
                return Task.FromResult(false);
            }

            this.record = Copy(record);
            return Task.FromResult(true);
        }
    }

    public string Describe() => $"fake lease for {identity}";

    private static LeaderElectionRecord? Copy(LeaderElectionRecord? r) => r is null ? null : new LeaderElectionRecord
    {
        HolderIdentity = r.HolderIdentity,
        AcquireTime = r.AcquireTime,
        RenewTime = r.RenewTime,
        LeaseDurationSeconds = r.LeaseDurationSeconds,
        LeaderTransitions = r.LeaderTransitions,
    };
}
