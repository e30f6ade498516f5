namespace Shoal.Cli.Tests.Manifests;

// A throwaway folder of manifest files, deleted after the test.
internal sealed class ManifestFolder : IDisposable
{
    public ManifestFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "shoal-manifests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public ManifestFolder With(string fileName, string yaml)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, fileName), yaml);
        return this;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
