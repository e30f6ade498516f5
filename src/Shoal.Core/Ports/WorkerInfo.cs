namespace Shoal.Core.Ports;

/// <summary>A worker as its backend reports it. Ready means the agent can take commands.</summary>
public sealed record WorkerInfo
{
    public required string WorkerId { get; init; }

    public required WorkerState State { get; init; }

    public bool Ready { get; init; }

    public string? InstanceType { get; init; }

    public string? Zone { get; init; }

    public string CapacityType { get; init; } = "spot";

    public DateTimeOffset LaunchedAt { get; init; }

    public string? StateReason { get; init; }
}
