namespace Shoal.Core.Workers;

public enum WorkerPhase
{
    Launching,
    WaitingForAgent,
    Idle,
    Running,
    Draining,
    Terminating,
    Terminated,
}
