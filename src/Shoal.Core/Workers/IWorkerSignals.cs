namespace Shoal.Core.Workers;

/// <summary>
/// How the outside world (spot interruption notices, scale-in, an operator) reaches running worker
/// loops. Both return false for a worker this host does not run, so a notice for someone else's
/// instance is dropped rather than acted on.
/// </summary>
public interface IWorkerSignals
{
    /// <summary>Requeue the worker's running job now (budget unspent) and retire it.</summary>
    bool Interrupt(string workerId, string reason);

    /// <summary>Let the running job finish, then retire.</summary>
    bool Drain(string workerId, string reason);
}
