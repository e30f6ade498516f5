using Shoal.Core.Jobs;

namespace Shoal.Local.Ledger;

// One successful ledger write, as kept in the append-only job_events table. Attempt is the job's
// Attempts after the write.
public sealed record JobEvent(string JobId, DateTimeOffset At, long Version, JobStatus Status, string? Worker, int Attempt, string? Reason);
