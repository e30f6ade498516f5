namespace Shoal.Core.Tests.Fakes;

/// <summary>A call the engine made on a message: Kind is receive, extend, release, complete or dead-letter.</summary>
public sealed record QueueOperation(string Kind, string MessageId, TimeSpan? Duration, DateTimeOffset At);
