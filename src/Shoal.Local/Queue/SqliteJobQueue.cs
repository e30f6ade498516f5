using System.Globalization;
using Microsoft.Data.Sqlite;
using Shoal.Core.Ports;
using Shoal.Local.Storage;

namespace Shoal.Local.Queue;

// An SQS-like queue in one SQLite file. The job queue, its dead-letter queue and its finished queue are
// rows of one table told apart by a queue column, so moving a message between them is one transaction.
// Times are unix milliseconds from the injected TimeProvider, so visibility arithmetic stays in SQL.
public sealed class SqliteJobQueue : IJobQueue, IAsyncDisposable, IDisposable
{
    public const int DefaultMaxReceiveCount = 1000;

    // How often a waiting receive looks at the file for what the in-process signal cannot report:
    // messages sent by another process and visibility timeouts that ran out.
    internal static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(200);

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS queue_messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            id TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            sent_at INTEGER NOT NULL,
            visible_at INTEGER NOT NULL,
            receive_count INTEGER NOT NULL DEFAULT 0,
            delayed INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS ix_queue_messages_order ON queue_messages (queue, visible_at, sent_at, seq);
        """;

    private readonly SqliteStore _store;
    private readonly TimeProvider _time;
    private readonly int _maxReceiveCount;
    private readonly AsyncSignal _signal;
    private readonly CancellationTokenSource _disposing = new();
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _redrive;
    private readonly SqliteCommand _selectVisible;
    private readonly SqliteCommand _deliver;
    private readonly SqliteCommand _changeVisibility;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _depth;
    private readonly SqliteCommand _peek;
    private readonly SqliteCommand _count;
    private int _waiting;
    private long _parks;
    private int _disposed;

    public SqliteJobQueue(string databasePath, string name, TimeProvider timeProvider, int maxReceiveCount = DefaultMaxReceiveCount)
        : this(databasePath, name, timeProvider, maxReceiveCount, shareWithinProcess: true)
    {
    }

    internal SqliteJobQueue(string databasePath, string name, TimeProvider timeProvider, int maxReceiveCount, bool shareWithinProcess)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxReceiveCount, 1);
        Name = name;
        DeadLetterQueueName = name + "-dead-letter";
        FinishedQueueName = name + "-finished";
        _time = timeProvider;
        _maxReceiveCount = maxReceiveCount;
        _store = SqliteStore.Acquire(databasePath, shareWithinProcess);
        _signal = _store.Signal("queue:" + name);

        _store.Gate.Wait();
        try
        {
            using (var schema = _store.Command(Schema))
            {
                schema.ExecuteNonQuery();
            }

            _insert = _store.Command(
                "INSERT INTO queue_messages (queue, id, body, sent_at, visible_at, delayed) VALUES ($queue, $id, $body, $now, $visible_at, $delayed)",
                "$queue", "$id", "$body", "$now", "$visible_at", "$delayed");
            // Only the messages the next receive would deliver are looked at, so a long backlog costs nothing.
            _redrive = _store.Command(
                """
                UPDATE queue_messages SET queue = $dead_letter, visible_at = $now, delayed = 0
                WHERE seq IN (SELECT seq FROM queue_messages WHERE queue = $queue AND visible_at <= $now
                              ORDER BY visible_at, sent_at, seq LIMIT $max)
                  AND receive_count >= $max_receive_count
                """,
                "$queue", "$dead_letter", "$now", "$max", "$max_receive_count");
            _selectVisible = _store.Command(
                """
                SELECT seq, id, body, sent_at, receive_count FROM queue_messages
                WHERE queue = $queue AND visible_at <= $now AND receive_count < $max_receive_count
                ORDER BY visible_at, sent_at, seq LIMIT $max
                """,
                "$queue", "$now", "$max", "$max_receive_count");
            _deliver = _store.Command(
                "UPDATE queue_messages SET visible_at = $visible_at, receive_count = receive_count + 1, delayed = 0 WHERE seq = $seq",
                "$seq", "$visible_at");
            // The receive count in the receipt handle is what makes a stale handle match no row.
            _changeVisibility = _store.Command(
                "UPDATE queue_messages SET visible_at = $visible_at, delayed = $delayed WHERE id = $id AND queue = $queue AND receive_count = $receive_count",
                "$id", "$queue", "$receive_count", "$visible_at", "$delayed");
            _delete = _store.Command(
                "DELETE FROM queue_messages WHERE id = $id AND queue = $queue AND receive_count = $receive_count",
                "$id", "$queue", "$receive_count");
            _depth = _store.Command(
                """
                SELECT
                    COALESCE(SUM(queue = $queue AND visible_at <= $now), 0),
                    COALESCE(SUM(queue = $queue AND visible_at > $now AND delayed = 0), 0),
                    COALESCE(SUM(queue = $queue AND visible_at > $now AND delayed = 1), 0),
                    COALESCE(SUM(queue = $dead_letter), 0)
                FROM queue_messages WHERE queue IN ($queue, $dead_letter)
                """,
                "$queue", "$dead_letter", "$now");
            _peek = _store.Command(
                "SELECT body FROM queue_messages WHERE queue = $queue ORDER BY visible_at, sent_at, seq LIMIT $max",
                "$queue", "$max");
            _count = _store.Command("SELECT COUNT(*) FROM queue_messages WHERE queue = $queue", "$queue");
        }
        catch
        {
            _store.Gate.Release();
            _store.Release();
            throw;
        }

        _store.Gate.Release();
    }

    public string Name { get; }

    public string DeadLetterQueueName { get; }

    public string FinishedQueueName { get; }

    public string DatabasePath => _store.Path;

    // Receives currently parked between looks at the database; lets tests act only once one waits.
    internal int WaitingReceivers => Volatile.Read(ref _waiting);

    // How many times a receive has parked so far; lets tests tell a fresh park from an old one.
    internal long Parks => Interlocked.Read(ref _parks);

    public async Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        await EnterAsync(cancellationToken);
        try
        {
            Insert(Name, body, delay);
        }
        finally
        {
            _store.Gate.Release();
        }

        _signal.Pulse();
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibility, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        var start = _time.GetUtcNow();
        var deadline = wait < DateTimeOffset.MaxValue - start ? start + wait : DateTimeOffset.MaxValue;
        while (true)
        {
            // Taken before the look, so a send that lands just after it still wakes this receive.
            var woken = _signal.Current;
            var received = await TryReceiveAsync(max, visibility, cancellationToken);
            if (received.Count > 0)
            {
                return received;
            }

            var remaining = deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return received;
            }

            await WaitAsync(woken, remaining < RecheckInterval ? remaining : RecheckInterval, cancellationToken);
        }
    }

    public async Task ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancellationToken)
    {
        var (id, receiveCount) = ParseReceipt(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibility, TimeSpan.Zero);
        await ChangeVisibilityAsync(id, receiveCount, visibility, delayed: false, cancellationToken);
    }

    public async Task ReleaseAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var (id, receiveCount) = ParseReceipt(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        if (await ChangeVisibilityAsync(id, receiveCount, delay, delayed: delay > TimeSpan.Zero, cancellationToken) && delay == TimeSpan.Zero)
        {
            _signal.Pulse();
        }
    }

    public Task CompleteAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken) =>
        MoveAsync(message, resultJson, FinishedQueueName, cancellationToken);

    public Task DeadLetterAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken) =>
        MoveAsync(message, resultJson, DeadLetterQueueName, cancellationToken);

    public async Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken);
        try
        {
            Set(_depth, Name, DeadLetterQueueName, NowMs());
            using var reader = _depth.ExecuteReader();
            reader.Read();
            return new QueueDepth(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
        finally
        {
            _store.Gate.Release();
        }
    }

    // For the embedded mode's restart: the process that received these messages is gone (the caller
    // holds the state directory's lock), so waiting out their visibility timeouts would only delay
    // the jobs. Receive counts stay as they are. Returns how many messages came back.
    public async Task<int> RecoverInFlightAsync(CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken);
        int recovered;
        try
        {
            using var recover = _store.Command(
                "UPDATE queue_messages SET visible_at = $now WHERE queue = $queue AND visible_at > $now AND delayed = 0",
                "$queue", "$now");
            Set(recover, Name, NowMs());
            recovered = recover.ExecuteNonQuery();
        }
        finally
        {
            _store.Gate.Release();
        }

        if (recovered > 0)
        {
            _signal.Pulse();
        }

        return recovered;
    }

    // Bodies of any queue in the file (finished and dead-letter queues included), oldest first,
    // without receiving them.
    public async Task<IReadOnlyList<string>> PeekAsync(string queueName, int max, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 0);
        await EnterAsync(cancellationToken);
        try
        {
            Set(_peek, queueName, max);
            using var reader = _peek.ExecuteReader();
            var bodies = new List<string>();
            while (reader.Read())
            {
                bodies.Add(reader.GetString(0));
            }

            return bodies;
        }
        finally
        {
            _store.Gate.Release();
        }
    }

    public async Task<long> CountAsync(string queueName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName);
        await EnterAsync(cancellationToken);
        try
        {
            Set(_count, queueName);
            return (long)_count.ExecuteScalar()!;
        }
        finally
        {
            _store.Gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Parked receives wake and see the queue is gone instead of touching closed commands.
        await _disposing.CancelAsync();
        await _store.Gate.WaitAsync();
        Close();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposing.Cancel();
        _store.Gate.Wait();
        Close();
    }

    private void Close()
    {
        try
        {
            foreach (var command in new[] { _insert, _redrive, _selectVisible, _deliver, _changeVisibility, _delete, _depth, _peek, _count })
            {
                command.Dispose();
            }
        }
        finally
        {
            _store.Gate.Release();
            _store.Release();
            _disposing.Dispose();
        }
    }

    private async Task<IReadOnlyList<QueueMessage>> TryReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken);
        try
        {
            var now = NowMs();
            using var transaction = _store.Connection.BeginTransaction(deferred: false);
            // Redrive first, as SQS does: a message past its receive budget goes to the dead-letter
            // queue on the receive that would have delivered it once more.
            _redrive.Transaction = transaction;
            Set(_redrive, Name, DeadLetterQueueName, now, max, _maxReceiveCount);
            _redrive.ExecuteNonQuery();

            var messages = new List<QueueMessage>(Math.Min(max, 16));
            var sequences = new List<long>(Math.Min(max, 16));
            _selectVisible.Transaction = transaction;
            Set(_selectVisible, Name, now, max, _maxReceiveCount);
            using (var reader = _selectVisible.ExecuteReader())
            {
                while (reader.Read())
                {
                    var id = reader.GetString(1);
                    var receiveCount = reader.GetInt32(4) + 1;
                    sequences.Add(reader.GetInt64(0));
                    messages.Add(new QueueMessage(
                        id,
                        string.Create(CultureInfo.InvariantCulture, $"{id}:{receiveCount}"),
                        reader.GetString(2),
                        receiveCount,
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
                }
            }

            if (messages.Count > 0)
            {
                var visibleAt = now + ToMs(visibility);
                _deliver.Transaction = transaction;
                foreach (var sequence in sequences)
                {
                    Set(_deliver, sequence, visibleAt);
                    _deliver.ExecuteNonQuery();
                }
            }

            transaction.Commit();
            return messages;
        }
        finally
        {
            _redrive.Transaction = null;
            _selectVisible.Transaction = null;
            _deliver.Transaction = null;
            _store.Gate.Release();
        }
    }

    private async Task WaitAsync(Task woken, TimeSpan step, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        var recheck = Task.Delay(step, _time, stop.Token);
        Interlocked.Increment(ref _waiting);
        Interlocked.Increment(ref _parks);
        try
        {
            await Task.WhenAny(woken, recheck);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
            // Drops the timer when the signal won, so waits do not pile up timers.
            await stop.CancelAsync();
        }

        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
    }

    private async Task<bool> ChangeVisibilityAsync(string id, int receiveCount, TimeSpan fromNow, bool delayed, CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken);
        try
        {
            Set(_changeVisibility, id, Name, receiveCount, NowMs() + ToMs(fromNow), delayed ? 1 : 0);
            return _changeVisibility.ExecuteNonQuery() == 1;
        }
        finally
        {
            _store.Gate.Release();
        }
    }

    private async Task MoveAsync(QueueMessage message, string resultJson, string target, CancellationToken cancellationToken)
    {
        var (id, receiveCount) = ParseReceipt(message);
        ArgumentNullException.ThrowIfNull(resultJson);
        await EnterAsync(cancellationToken);
        try
        {
            using var transaction = _store.Connection.BeginTransaction(deferred: false);
            _delete.Transaction = transaction;
            Set(_delete, id, Name, receiveCount);
            // A stale handle deletes nothing, and then nothing is published either: the holder of the
            // current handle will publish its own result.
            if (_delete.ExecuteNonQuery() == 1)
            {
                _insert.Transaction = transaction;
                Insert(target, resultJson, TimeSpan.Zero);
            }

            transaction.Commit();
        }
        finally
        {
            _delete.Transaction = null;
            _insert.Transaction = null;
            _store.Gate.Release();
        }
    }

    private void Insert(string queue, string body, TimeSpan delay)
    {
        var now = NowMs();
        Set(_insert, queue, Guid.NewGuid().ToString("D"), body, now, now + ToMs(delay), delay > TimeSpan.Zero ? 1 : 0);
        _insert.ExecuteNonQuery();
    }

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _store.Gate.WaitAsync(cancellationToken);
        if (Volatile.Read(ref _disposed) != 0)
        {
            _store.Gate.Release();
            throw new ObjectDisposedException(nameof(SqliteJobQueue));
        }
    }

    private (string Id, int ReceiveCount) ParseReceipt(QueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var handle = message.ReceiptHandle;
        var colon = handle is null ? -1 : handle.LastIndexOf(':');
        if (handle is null
            || colon <= 0
            || !Guid.TryParseExact(handle.AsSpan(0, colon), "D", out _)
            || !int.TryParse(handle.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var receiveCount)
            || receiveCount < 1)
        {
            throw new ArgumentException(
                $"Malformed receipt handle '{handle}' for queue '{Name}': expected '<messageId>:<receiveCount>' as returned by ReceiveAsync.",
                nameof(message));
        }

        var id = handle[..colon];
        if (!string.Equals(id, message.MessageId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Receipt handle '{handle}' belongs to message '{id}', not to message '{message.MessageId}'.",
                nameof(message));
        }

        return (id, receiveCount);
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // Rounded up, so a positive delay or visibility is never shortened to nothing.
    private static long ToMs(TimeSpan span) => span.Ticks > long.MaxValue - TimeSpan.TicksPerMillisecond
        ? long.MaxValue / TimeSpan.TicksPerMillisecond
        : (span.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;

    private static void Set(SqliteCommand command, params ReadOnlySpan<object> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }
}
