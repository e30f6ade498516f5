namespace Shoal.Core.Tests.Fakes;

/// <summary>One call seen by a fake; Seq orders calls across all fakes that share a log.</summary>
public sealed record LoggedEvent(long Seq, DateTimeOffset At, string Source, string Text);
