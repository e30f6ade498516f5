using System.Reflection;

namespace Shoal.Cli.Local;

/// <summary>
/// The bundled demo: a batch of jobs that shows success strings, retries, a timeout, a poison message,
/// output past SSM's 24,000-character inline limit, unsafe characters in ids, and two ingest folders.
/// </summary>
internal static class ExampleWorkload
{
    private const string Prefix = "Shoal.Examples/";

    /// <summary>Writes jobs.jsonl into the state directory and the ingest folders into its ingest/; returns the jobs file.</summary>
    public static string Extract(StateDirectory state)
    {
        var assembly = typeof(ExampleWorkload).Assembly;
        var examples = Path.Combine(state.Root, "example");
        string? jobs = null;
        var executables = new List<(string Path, byte[] Content)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var relative = name[Prefix.Length..].Replace('\\', '/');
            var target = relative.StartsWith("ingest/", StringComparison.Ordinal)
                ? Path.Combine(state.IngestDirectory, relative["ingest/".Length..])
                : Path.Combine(examples, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var content = Read(assembly, name);
            if (target.EndsWith(".sh", StringComparison.Ordinal))
            {
                executables.Add((target, content)); // the executable goes last: it is the trigger
            }
            else
            {
                File.WriteAllBytes(target, content);
            }

            if (relative == "jobs.jsonl")
            {
                jobs = target;
            }
        }

        foreach (var (path, content) in executables)
        {
            File.WriteAllBytes(path, content);
        }

        return jobs ?? throw new InvalidOperationException("the example workload is missing from this build of shoal");
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
