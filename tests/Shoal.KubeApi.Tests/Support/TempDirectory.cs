namespace Shoal.KubeApi.Tests.Support;

/// <summary>A directory under /tmp that is removed with the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("shoal-kubeapi-").FullName;
    }

    public string Path { get; }

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // kubectl may still be writing its cache; /tmp is cleaned eventually.
        }
    }
}
