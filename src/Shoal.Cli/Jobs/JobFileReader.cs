namespace Shoal.Cli.Jobs;

/// <summary>
/// Reads job messages from the paths given to --jobs or `shoal submit`: a .json file is one job, a
/// .jsonl file one job per non-blank line, a directory every .json file in it (sorted, not recursive).
/// Bodies are passed on as written: a broken job is the engine's to record as InvalidJob, so the rest
/// of a batch still runs and nothing the user wrote is dropped.
/// </summary>
internal static class JobFileReader
{
    public static IReadOnlyList<JobSource> Read(IEnumerable<string> paths)
    {
        var sources = new List<JobSource>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0)
                {
                    throw new UserException($"--jobs {path}: the directory holds no .json files; put one job per .json file in it, or pass a .jsonl file");
                }

                sources.AddRange(files.Select(f => new JobSource(f, File.ReadAllText(f))));
            }
            else if (File.Exists(path))
            {
                sources.AddRange(ReadFile(path));
            }
            else
            {
                throw new UserException($"--jobs {path}: no such file or directory");
            }
        }

        return sources;
    }

    private static IEnumerable<JobSource> ReadFile(string path)
    {
        if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                if (!string.IsNullOrWhiteSpace(lines[i]))
                {
                    yield return new JobSource($"{path}:{i + 1}", lines[i]);
                }
            }
        }
        else if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            yield return new JobSource(path, File.ReadAllText(path));
        }
        else
        {
            throw new UserException($"--jobs {path}: expected a .json file (one job), a .jsonl file (one job per line) or a directory of .json files");
        }
    }
}
