namespace Shoal.Core.Workers;

public sealed record WorkerExit(string WorkerId, string Reason, int JobsDone);
