namespace Shoal.Core.Ports;

/// <summary>
/// Turns uploaded inputs plus an executable (S3 objects, or files in a local folder) into jobs on the
/// queue. Duplicate notifications of one upload must not create a second job.
/// </summary>
public interface IJobIngest
{
    /// <summary>Looks for new uploads once; returns how many jobs it submitted.</summary>
    Task<int> PollAsync(CancellationToken cancellationToken);
}
