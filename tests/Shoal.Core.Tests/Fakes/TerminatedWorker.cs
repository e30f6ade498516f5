namespace Shoal.Core.Tests.Fakes;

public sealed record TerminatedWorker(string WorkerId, string Reason, DateTimeOffset At);
