namespace Shoal.Cli.Tests.Manifests;

internal static class RepoRoot
{
    // Tests run from bin/<config>/<tfm>; the samples live in the source tree, found by the solution file.
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No Operator.sln above {AppContext.BaseDirectory}");
    }
}
