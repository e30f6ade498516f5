namespace Shoal.Bench;

/// <summary>
/// Where runs keep their state, and when it goes away. Deleting a finished run's thousands of files
/// right before the next run would slow that run down: on a journal-less ext4 (this machine's root file
/// system) every new inode skips the inodes deleted in the last one to five minutes, so all deletions
/// wait until the whole bench is done.
/// </summary>
internal sealed class StateDirectories(string root, bool keep)
{
    private readonly List<string> discarded = [];

    public string Root { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

    /// <summary>The file system type of <see cref="Root"/> (ext4, tmpfs, ...), from /proc/mounts.</summary>
    public string FileSystem => FileSystemOf(Root);

    public string Create(string prefix)
    {
        var path = Path.Combine(Root, prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Discard(string path)
    {
        lock (discarded)
        {
            discarded.Add(path);
        }
    }

    /// <summary>Deletes every discarded directory, unless --keep; returns what is left behind.</summary>
    public IReadOnlyList<string> DeleteAll()
    {
        lock (discarded)
        {
            if (keep)
            {
                return [.. discarded];
            }

            var left = new List<string>();
            foreach (var path in discarded)
            {
                try
                {
                    Directory.Delete(path, recursive: true);
                }
                catch (IOException)
                {
                    left.Add(path);
                }
                catch (UnauthorizedAccessException)
                {
                    left.Add(path);
                }
            }

            discarded.Clear();
            return left;
        }
    }

    public static string FileSystemOf(string path)
    {
        try
        {
            // The longest mount point that contains the path is the file system it lives on.
            var best = (Mount: string.Empty, Type: "unknown");
            foreach (var line in File.ReadLines("/proc/mounts"))
            {
                var fields = line.Split(' ');
                if (fields.Length < 3)
                {
                    continue;
                }

                var mount = fields[1].Replace("\\040", " ", StringComparison.Ordinal);
                var inside = path == mount || path.StartsWith(mount.EndsWith('/') ? mount : mount + "/", StringComparison.Ordinal);
                if (inside && mount.Length >= best.Mount.Length)
                {
                    best = (mount, fields[2]);
                }
            }

            return best.Type;
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
