namespace Shoal.Cli.Manifests;

// One exception for the whole folder, carrying every problem found, so a user fixes them in one pass
// instead of one per run.
public sealed class ManifestException : Exception
{
    public ManifestException(IReadOnlyList<string> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }

    private static string Describe(IReadOnlyList<string> problems)
    {
        var heading = problems.Count == 1 ? "1 problem in the manifests:" : $"{problems.Count} problems in the manifests:";
        return heading + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p));
    }
}
