namespace Shoal.Aws.Fleet;

/// <summary>
/// Tags Shoal puts on what it launches. There is no worker tag: instance ids are not known before
/// launch, so a worker's id is its instance id.
/// </summary>
public static class Ec2Tags
{
    public const string Pool = "shoal.dev/pool";
    public const string Queue = "shoal.dev/queue";

    /// <summary>The cluster or operator identity: the garbage collector only ever touches instances with its own.</summary>
    public const string Owner = "shoal.dev/owner";

    /// <summary>The CreateFleet client token, so a replayed launch can find what the first attempt started.</summary>
    public const string LaunchToken = "shoal.dev/launch-token";

    public const string Name = "Name";
}
