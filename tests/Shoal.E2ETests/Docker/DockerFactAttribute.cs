namespace Shoal.E2ETests.Docker;

/// <summary>
/// A fact that needs a Docker engine. xunit 2 has no skip at run time, so the engine is pinged when the
/// attribute is built (once per run, a few seconds at most) and the test is reported skipped with the reason.
/// </summary>
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (DockerEngine.WhyUnreachable is { } why)
        {
            Skip = DockerEngine.SkipReason(why);
        }
    }
}
