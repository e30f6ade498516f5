namespace Shoal.Operator.Engine;

// What a worker loop last reported: the Worker CR's status is written from this, coalesced.
internal sealed record WorkerSnapshot(string WorkerId, string Phase, string? CurrentJob, int JobsDone, string? Reason);
