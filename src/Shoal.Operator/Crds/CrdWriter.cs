namespace Shoal.Operator.Crds;

// `shoal-operator generate-crds [dir...]`: writes the CRDs into each folder (by default config/crd and the
// chart's crds/ under the repository root) and removes CRD files no kind generates any more.
internal static class CrdWriter
{
    public const string SolutionFile = "Operator.sln";

    public static readonly string[] DefaultFolders = ["config/crd", "charts/shoal/crds"];

    public static int Run(string[] dirs) => Run(dirs, Environment.CurrentDirectory, Console.Out, Console.Error);

    public static int Run(IReadOnlyList<string> dirs, string workingDirectory, TextWriter output, TextWriter error)
    {
        IReadOnlyList<string> folders;
        if (dirs.Count > 0)
        {
            folders = [.. dirs.Select(d => Path.GetFullPath(d, workingDirectory))];
        }
        else
        {
            // Only from the working directory: guessing from the binary's location could write into a
            // different checkout than the one the developer is in.
            var root = FindRepositoryRoot(workingDirectory);
            if (root is null)
            {
                error.WriteLine($"generate-crds: no {SolutionFile} in {workingDirectory} or above it. Run it from the repository, or name the output folders: generate-crds config/crd charts/shoal/crds");
                return 2;
            }
            folders = [.. DefaultFolders.Select(f => Path.Combine(root, f))];
        }

        IReadOnlyList<GeneratedCrd> crds;
        try
        {
            crds = CrdGenerator.GenerateAll();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException)
        {
            error.WriteLine($"generate-crds: the Shoal.Api types do not describe a valid CRD: {e.Message}");
            return 1;
        }

        try
        {
            foreach (var folder in folders)
                WriteFolder(folder, crds, output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"generate-crds: {e.Message}");
            return 1;
        }
        return 0;
    }

    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                return dir.FullName;
        }
        return null;
    }

    private static void WriteFolder(string folder, IReadOnlyList<GeneratedCrd> crds, TextWriter output)
    {
        Directory.CreateDirectory(folder);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var crd in crds)
        {
            var path = Path.Combine(folder, crd.FileName);
            written.Add(crd.FileName);
            if (File.Exists(path) && File.ReadAllText(path) == crd.Yaml)
            {
                output.WriteLine($"unchanged {path}");
                continue;
            }
            File.WriteAllText(path, crd.Yaml);
            output.WriteLine($"wrote {path}");
        }

        // A renamed or removed kind must not leave its old CRD behind for `kubectl apply -f` to install.
        var groups = crds.Select(c => c.FileName[..(c.FileName.IndexOf('_', StringComparison.Ordinal) + 1)]).Distinct(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var stale in Directory.EnumerateFiles(folder, group + "*.yaml").Where(p => !written.Contains(Path.GetFileName(p))).Order(StringComparer.Ordinal))
            {
                File.Delete(stale);
                output.WriteLine($"removed {stale}");
            }
        }
    }
}
