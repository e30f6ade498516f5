namespace Shoal.Cli.Manifests;

// Collects problems for one document, each prefixed with where it came from.
internal sealed class DocumentDiagnostics(DocumentLocation location, List<string> errors, List<string> warnings)
{
    public DocumentLocation Location { get; } = location;

    public int ErrorCount { get; private set; }

    public void Error(string message)
    {
        ErrorCount++;
        errors.Add($"{Location}: {message}");
    }

    public void Warning(string message) => warnings.Add($"{Location}: {message}");
}
