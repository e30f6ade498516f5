using System.Diagnostics;
using Shoal.Core.Ports;

namespace Shoal.Local.Commands;

internal sealed class LocalCommand(string id, string workerId, Process process, string outputDirectory) : IDisposable
{
    private int reason = -1;

    public string Id { get; } = id;

    public string WorkerId { get; } = workerId;

    public Process Process { get; } = process;

    public string OutputDirectory { get; } = outputDirectory;

    public List<ITimer> Timers { get; } = [];

    public bool ReclaimPlanned { get; set; }

    public TaskCompletionSource<CommandStatus> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Why the command was killed; the first reason wins (a timeout racing a reclaim is one or the other).</summary>
    public KillReason? Reason => reason < 0 ? null : (KillReason)reason;

    public bool TrySetReason(KillReason value) => Interlocked.CompareExchange(ref reason, (int)value, -1) == -1;

    public void Dispose() => Process.Dispose();
}
