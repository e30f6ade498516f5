namespace Shoal.Cli.Manifests;

// Document index is 1-based and counts every document in the file, so it matches what a reader counts.
internal readonly record struct DocumentLocation(string File, int Document)
{
    public override string ToString() => $"{File} (document {Document})";
}
