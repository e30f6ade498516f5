using System.Text.Json;

namespace Shoal.Cli.Local;

/// <summary>
/// The embedded mode's state directory: queue.db, ledger.db, outputs/, workers/, ingest/, and
/// shoal.json, which remembers the queue a `shoal run` used so `shoal submit` feeds the same one.
/// </summary>
internal sealed class StateDirectory
{
    public const string DefaultPath = ".shoal";

    public StateDirectory(string? path)
    {
        Root = Path.GetFullPath(string.IsNullOrWhiteSpace(path) ? DefaultPath : path);
    }

    public string Root { get; }

    public string QueueDatabase => Path.Combine(Root, "queue.db");

    public string LedgerDatabase => Path.Combine(Root, "ledger.db");

    public string IngestDirectory => Path.Combine(Root, "ingest");

    private string ConfigFile => Path.Combine(Root, "shoal.json");

    public bool Exists => File.Exists(LedgerDatabase) || File.Exists(QueueDatabase);

    public void Create() => Directory.CreateDirectory(Root);

    public string QueueName()
    {
        if (!File.Exists(ConfigFile))
        {
            return "default";
        }

        using var document = JsonDocument.Parse(File.ReadAllText(ConfigFile));
        return document.RootElement.TryGetProperty("queue", out var queue) && queue.GetString() is { Length: > 0 } name ? name : "default";
    }

    public void RememberQueue(string name) =>
        File.WriteAllText(ConfigFile, JsonSerializer.Serialize(new Dictionary<string, string> { ["queue"] = name }));

    /// <summary>
    /// Only one `shoal run` may drive a state directory: its workers are in-process, so a second one
    /// would see the first one's jobs as orphans. The OS drops the lock when the process dies, even by SIGKILL.
    /// </summary>
    public FileStream Lock()
    {
        Create();
        try
        {
            return new FileStream(Path.Combine(Root, "run.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new UserException($"another `shoal run` is using the state directory {Root}; wait for it to finish, or pass a different --state-dir (use `shoal submit --state-dir {Root}` to add jobs to the running one)");
        }
    }
}
