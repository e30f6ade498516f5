using Shoal.Operator.Crds;

namespace Shoal.Operator.Tests.Crds;

// The checkout the tests run from: generated files and samples are read from it, never written.
internal static class Repository
{
    public static string Root { get; } = CrdWriter.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"No {CrdWriter.SolutionFile} above {AppContext.BaseDirectory}; run the tests from a checkout.");

    public static string PathOf(string relative) => Path.Combine(Root, relative);
}
