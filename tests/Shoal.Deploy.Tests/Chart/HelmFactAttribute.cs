using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Chart;

// A test that needs helm: reported as skipped, with the reason, where helm is not on PATH (this machine:
// helm is packaged neither for Debian nor on npm), and run wherever it is.
public sealed class HelmFactAttribute : FactAttribute
{
    public HelmFactAttribute()
    {
        if (ProcessRunner.Find("helm") is null)
        {
            Skip = "helm is not on PATH (not packaged for Debian or npm, so this machine cannot have it); the chart is checked as YAML by the other chart tests";
        }
    }
}
