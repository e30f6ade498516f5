namespace Shoal.Local.Commands;

internal enum KillReason
{
    Timeout,
    Cancel,
    Reclaim,
    WorkerStopped,
}
