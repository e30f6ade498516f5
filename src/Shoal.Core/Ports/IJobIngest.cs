namespace Shoal.Core.Ports;

/// <summary>
/// Turns uploaded inputs plus an executable (S3 objects, or files in a local folder) into jobs on the
/// queue. Duplicate notifications of one upload must not create a second job.
/// </summary>
public interface IJobIngest
{
    /// <summary>
    /// Looks for new uploads once. Returns how many jobs it submitted plus how many uploads it saw but
    /// is still waiting on (not yet settled): non-zero means "more may be coming", so a run that stops
    /// when drained keeps going.
    /// </summary>
    Task<int> PollAsync(CancellationToken cancellationToken);
}
