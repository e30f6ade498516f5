namespace Shoal.Aws.Interruptions;

/// <summary>An EventBridge event about instances, parsed. State is set for state changes only.</summary>
public sealed record InterruptionEvent(InterruptionKind Kind, IReadOnlyList<string> InstanceIds, string? State, DateTimeOffset? Time);
