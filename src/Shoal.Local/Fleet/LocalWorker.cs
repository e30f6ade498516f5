using Shoal.Core.Ports;

namespace Shoal.Local.Fleet;

/// <summary>A local sandbox worker: a directory and a state, like an instance and its volume.</summary>
internal sealed class LocalWorker(string id, string directory, DateTimeOffset launchedAt, DateTimeOffset readyAt)
{
    public string Id { get; } = id;

    public string Directory { get; } = directory;

    public DateTimeOffset LaunchedAt { get; } = launchedAt;

    public DateTimeOffset ReadyAt { get; } = readyAt;

    public WorkerState State { get; set; } = WorkerState.Running;

    public string? StateReason { get; set; }

    public string? LastCommandId { get; set; }

    /// <summary>Process group id → command id of every command started here; all die with the worker, as on a terminated instance.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<int, string> ProcessGroups { get; } = new();

    public int JobSequence;
}
