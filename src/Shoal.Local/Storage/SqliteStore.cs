using Microsoft.Data.Sqlite;

namespace Shoal.Local.Storage;

// One open connection per database file per process, shared by every queue and ledger on that file:
// opening a connection per call costs far more than the statements themselves, and SQLite serializes
// writers anyway. Every use of Connection must hold Gate. Other processes on the same file are kept
// safe by SQLite itself (WAL, IMMEDIATE write transactions, busy timeout).
internal sealed class SqliteStore
{
    private static readonly Lock Registry = new();
    private static readonly Dictionary<string, SqliteStore> Shared = new(StringComparer.Ordinal);

    private readonly Dictionary<string, AsyncSignal> _signals = new(StringComparer.Ordinal);
    private readonly bool _shared;
    private int _references = 1;

    private SqliteStore(string path, bool shared)
    {
        Path = path;
        _shared = shared;
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // The store keeps its connection for its whole life; a pool would only keep the file open
            // after the last owner is gone (and block deleting it).
            Pooling = false,
        };
        Connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            Connection.Open();
            using var pragmas = Connection.CreateCommand();
            // busy_timeout first: switching to WAL needs a lock another process may briefly hold.
            pragmas.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
            pragmas.ExecuteNonQuery();
        }
        catch
        {
            Connection.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public SqliteConnection Connection { get; }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    // shareWithinProcess: false gives a private connection and private signals, as another process
    // would have; tests use it to check that cross-process visibility does not rely on the signal.
    public static SqliteStore Acquire(string path, bool shareWithinProcess)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!shareWithinProcess)
        {
            return new SqliteStore(fullPath, shared: false);
        }

        lock (Registry)
        {
            if (Shared.TryGetValue(fullPath, out var existing))
            {
                existing._references++;
                return existing;
            }

            var store = new SqliteStore(fullPath, shared: true);
            Shared[fullPath] = store;
            return store;
        }
    }

    public void Release()
    {
        if (_shared)
        {
            lock (Registry)
            {
                if (--_references > 0)
                {
                    return;
                }

                Shared.Remove(Path);
            }
        }
        else if (--_references > 0)
        {
            return;
        }

        Connection.Dispose();
    }

    public AsyncSignal Signal(string key)
    {
        lock (_signals)
        {
            if (!_signals.TryGetValue(key, out var signal))
            {
                signal = new AsyncSignal();
                _signals[key] = signal;
            }

            return signal;
        }
    }

    public SqliteCommand Command(string sql, params ReadOnlySpan<string> parameterNames)
    {
        // Commands are kept and re-executed with new values: Microsoft.Data.Sqlite keeps the prepared
        // statements of a command whose text does not change, which saves the parse on every call.
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }

        return command;
    }
}
