namespace Shoal.Core.Ports;

public enum WorkerState
{
    Pending,
    Running,
    ShuttingDown,
    Terminated,
}
