namespace Shoal.Core.Ports;

/// <summary>
/// Completed carries an exit code, whatever it is; judging it is the engine's work. Interrupted and
/// WorkerLost are infrastructure outcomes that never spend a job's retry budget.
/// </summary>
public enum CommandState
{
    Pending,
    Running,
    Completed,
    TimedOut,
    Cancelled,
    Interrupted,
    WorkerLost,
    Undeliverable,
}
