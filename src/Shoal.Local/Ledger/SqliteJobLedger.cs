using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Local.Storage;

namespace Shoal.Local.Ledger;

// The job table in SQLite. Every write is one IMMEDIATE transaction (compare version, upsert the row,
// move the queue's counters, append an event), so counters and events never disagree with the rows,
// even with another process writing the same file. Timestamps are stored as fixed-width ISO-8601 UTC
// text with all seven fractional digits: they round-trip exactly and sort as text.
public sealed class SqliteJobLedger : IJobLedger, IAsyncDisposable, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS jobs (
            job_id TEXT PRIMARY KEY NOT NULL,
            queue TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            failures INTEGER NOT NULL,
            interruptions INTEGER NOT NULL,
            retry INTEGER NOT NULL,
            worker TEXT,
            lease_owner TEXT,
            lease_expires_at TEXT,
            command_id TEXT,
            exit_code INTEGER,
            reason TEXT,
            message TEXT,
            output_tail TEXT,
            body TEXT,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_jobs_queue_status ON jobs (queue, status, created_at, job_id);
        CREATE INDEX IF NOT EXISTS ix_jobs_created ON jobs (created_at, job_id);
        CREATE TABLE IF NOT EXISTS job_counters (
            queue TEXT PRIMARY KEY NOT NULL,
            jobs INTEGER NOT NULL DEFAULT 0,
            queued INTEGER NOT NULL DEFAULT 0,
            running INTEGER NOT NULL DEFAULT 0,
            succeeded INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            invalid INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            interruptions INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS job_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id TEXT NOT NULL,
            at TEXT NOT NULL,
            version INTEGER NOT NULL,
            status TEXT NOT NULL,
            worker TEXT,
            attempt INTEGER NOT NULL,
            reason TEXT
        );
        CREATE INDEX IF NOT EXISTS ix_job_events_job ON job_events (job_id, seq);
        """;

    private const string Columns =
        "job_id, queue, status, attempts, failures, interruptions, retry, worker, lease_owner, lease_expires_at, command_id, " +
        "exit_code, reason, message, output_tail, body, created_at, started_at, finished_at, updated_at, version";

    private const string TimestampFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'";

    private readonly SqliteStore _store;
    private readonly TimeProvider _time;
    private readonly SqliteCommand _get;
    private readonly SqliteCommand _upsert;
    private readonly SqliteCommand _addCounts;
    private readonly SqliteCommand _appendEvent;
    private readonly SqliteCommand _counts;
    private readonly SqliteCommand _events;
    private int _disposed;

    public SqliteJobLedger(string databasePath, TimeProvider timeProvider)
        : this(databasePath, timeProvider, shareWithinProcess: true)
    {
    }

    internal SqliteJobLedger(string databasePath, TimeProvider timeProvider, bool shareWithinProcess)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _store = SqliteStore.Acquire(databasePath, shareWithinProcess);
        _store.Gate.Wait();
        try
        {
            using (var schema = _store.Command(Schema))
            {
                schema.ExecuteNonQuery();
            }

            _get = _store.Command($"SELECT {Columns} FROM jobs WHERE job_id = $job_id", "$job_id");
            _upsert = _store.Command(
                $"""
                INSERT INTO jobs ({Columns}) VALUES ($job_id, $queue, $status, $attempts, $failures, $interruptions, $retry,
                    $worker, $lease_owner, $lease_expires_at, $command_id, $exit_code, $reason, $message, $output_tail, $body,
                    $created_at, $started_at, $finished_at, $updated_at, $version)
                ON CONFLICT (job_id) DO UPDATE SET
                    queue = excluded.queue, status = excluded.status, attempts = excluded.attempts,
                    failures = excluded.failures, interruptions = excluded.interruptions, retry = excluded.retry,
                    worker = excluded.worker, lease_owner = excluded.lease_owner, lease_expires_at = excluded.lease_expires_at,
                    command_id = excluded.command_id, exit_code = excluded.exit_code, reason = excluded.reason,
                    message = excluded.message, output_tail = excluded.output_tail, body = excluded.body,
                    created_at = excluded.created_at, started_at = excluded.started_at, finished_at = excluded.finished_at,
                    updated_at = excluded.updated_at, version = excluded.version
                """,
                "$job_id", "$queue", "$status", "$attempts", "$failures", "$interruptions", "$retry", "$worker", "$lease_owner",
                "$lease_expires_at", "$command_id", "$exit_code", "$reason", "$message", "$output_tail", "$body",
                "$created_at", "$started_at", "$finished_at", "$updated_at", "$version");
            _addCounts = _store.Command(
                """
                INSERT INTO job_counters (queue, jobs, queued, running, succeeded, failed, invalid, attempts, interruptions)
                VALUES ($queue, $jobs, $queued, $running, $succeeded, $failed, $invalid, $attempts, $interruptions)
                ON CONFLICT (queue) DO UPDATE SET
                    jobs = jobs + excluded.jobs, queued = queued + excluded.queued, running = running + excluded.running,
                    succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed,
                    invalid = invalid + excluded.invalid, attempts = attempts + excluded.attempts,
                    interruptions = interruptions + excluded.interruptions
                """,
                "$queue", "$jobs", "$queued", "$running", "$succeeded", "$failed", "$invalid", "$attempts", "$interruptions");
            _appendEvent = _store.Command(
                "INSERT INTO job_events (job_id, at, version, status, worker, attempt, reason) VALUES ($job_id, $at, $version, $status, $worker, $attempt, $reason)",
                "$job_id", "$at", "$version", "$status", "$worker", "$attempt", "$reason");
            _counts = _store.Command(
                "SELECT jobs, queued, running, succeeded, failed, invalid, attempts, interruptions FROM job_counters WHERE queue = $queue",
                "$queue");
            _events = _store.Command(
                "SELECT job_id, at, version, status, worker, attempt, reason FROM job_events WHERE job_id = $job_id ORDER BY seq",
                "$job_id");
        }
        catch
        {
            _store.Gate.Release();
            _store.Release();
            throw;
        }

        _store.Gate.Release();
    }

    public string DatabasePath => _store.Path;

    public async Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await EnterAsync(cancellationToken);
        try
        {
            return Get(jobId);
        }
        finally
        {
            _store.Gate.Release();
        }
    }

    public async Task<bool> TryWriteAsync(JobRecord? previous, JobRecord next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        Validate(previous, next);
        await EnterAsync(cancellationToken);
        try
        {
            using var transaction = _store.Connection.BeginTransaction(deferred: false);
            _get.Transaction = transaction;
            var stored = Get(next.JobId);
            if (previous is null ? stored is not null : stored is null || stored.Version != previous.Version)
            {
                return false;
            }

            // The delta comes from the stored row, not from the caller's copy: with the version equal
            // they should agree, and if a caller ever passes an edited copy the counters stay exact.
            var delta = JobCounts.Delta(stored, next);

            _upsert.Transaction = transaction;
            Set(
                _upsert,
                next.JobId, next.Queue, StatusText(next.Status), next.Attempts, next.Failures, next.Interruptions, next.Retry,
                next.Worker, next.LeaseOwner, Text(next.LeaseExpiresAt), next.CommandId, next.ExitCode, next.Reason,
                next.Message, next.OutputTail, next.Body, Text(next.CreatedAt), Text(next.StartedAt), Text(next.FinishedAt),
                Text(next.UpdatedAt), next.Version);
            _upsert.ExecuteNonQuery();

            _addCounts.Transaction = transaction;
            Set(
                _addCounts,
                next.Queue, delta.Jobs, delta.Queued, delta.Running, delta.Succeeded, delta.Failed, delta.Invalid,
                delta.Attempts, delta.Interruptions);
            _addCounts.ExecuteNonQuery();

            _appendEvent.Transaction = transaction;
            Set(
                _appendEvent,
                next.JobId, Text(_time.GetUtcNow()), next.Version, StatusText(next.Status), next.Worker, next.Attempts, next.Reason);
            _appendEvent.ExecuteNonQuery();

            transaction.Commit();
            return true;
        }
        finally
        {
            _get.Transaction = null;
            _upsert.Transaction = null;
            _addCounts.Transaction = null;
            _appendEvent.Transaction = null;
            _store.Gate.Release();
        }
    }

    public async Task<IReadOnlyList<JobRecord>> ListAsync(string? queue, JobStatus? status, CancellationToken cancellationToken)
    {
        // Filters are added as fixed SQL fragments (values stay parameters) so the indexes can be used.
        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM jobs");
        if (queue is not null || status is not null)
        {
            sql.Append(" WHERE ");
            sql.Append(queue is not null ? "queue = $queue" : "1");
            sql.Append(status is not null ? " AND status = $status" : string.Empty);
        }

        sql.Append(" ORDER BY created_at, job_id");
        await EnterAsync(cancellationToken);
        try
        {
            using var command = _store.Command(sql.ToString());
            if (queue is not null)
            {
                command.Parameters.AddWithValue("$queue", queue);
            }

            if (status is not null)
            {
                command.Parameters.AddWithValue("$status", StatusText(status.Value));
            }

            using var reader = command.ExecuteReader();
            var jobs = new List<JobRecord>();
            while (reader.Read())
            {
                jobs.Add(ReadJob(reader));
            }

            return jobs;
        }
        finally
        {
            _store.Gate.Release();
        }
    }

    public async Task<JobCounts> GetCountsAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        await EnterAsync(cancellationToken);
        try
        {
            Set(_counts, queue);
            using var reader = _counts.ExecuteReader();
            if (!reader.Read())
            {
                return JobCounts.Zero;
            }

            return new JobCounts
            {
                Jobs = reader.GetInt64(0),
                Queued = reader.GetInt64(1),
                Running = reader.GetInt64(2),
                Succeeded = reader.GetInt64(3),
                Failed = reader.GetInt64(4),
                Invalid = reader.GetInt64(5),
                Attempts = reader.GetInt64(6),
                Interruptions = reader.GetInt64(7),
            };
        }
        finally
        {
            _store.Gate.Release();
        }
    }

    // The job's write history, oldest first.
    public async Task<IReadOnlyList<JobEvent>> GetEventsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        await EnterAsync(cancellationToken);
        try
        {
            Set(_events, jobId);
            using var reader = _events.ExecuteReader();
            var events = new List<JobEvent>();
            while (reader.Read())
            {
                events.Add(new JobEvent(
                    reader.GetString(0),
                    ParseTime(reader.GetString(1)),
                    reader.GetInt64(2),
                    ParseStatus(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }

            return events;
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

        await _store.Gate.WaitAsync();
        Close();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _store.Gate.Wait();
        Close();
    }

    private void Close()
    {
        try
        {
            foreach (var command in new[] { _get, _upsert, _addCounts, _appendEvent, _counts, _events })
            {
                command.Dispose();
            }
        }
        finally
        {
            _store.Gate.Release();
            _store.Release();
        }
    }

    private static void Validate(JobRecord? previous, JobRecord next)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(next.JobId, nameof(next));
        ArgumentException.ThrowIfNullOrWhiteSpace(next.Queue, nameof(next));
        var expected = (previous?.Version ?? 0) + 1;
        if (next.Version != expected)
        {
            throw new ArgumentException(
                $"Job '{next.JobId}': next.Version must be {expected} (previous version + 1), not {next.Version}.", nameof(next));
        }

        if (previous is null)
        {
            return;
        }

        if (!string.Equals(previous.JobId, next.JobId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Cannot replace job '{previous.JobId}' with job '{next.JobId}'.", nameof(next));
        }

        // Counters move only on next.Queue, so a job changing queue would leave its old queue's counts wrong.
        if (!string.Equals(previous.Queue, next.Queue, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Job '{next.JobId}' cannot move from queue '{previous.Queue}' to queue '{next.Queue}'.", nameof(next));
        }
    }

    private JobRecord? Get(string jobId)
    {
        Set(_get, jobId);
        using var reader = _get.ExecuteReader();
        return reader.Read() ? ReadJob(reader) : null;
    }

    private static JobRecord ReadJob(SqliteDataReader reader) => new()
    {
        JobId = reader.GetString(0),
        Queue = reader.GetString(1),
        Status = ParseStatus(reader.GetString(2)),
        Attempts = reader.GetInt32(3),
        Failures = reader.GetInt32(4),
        Interruptions = reader.GetInt32(5),
        Retry = reader.GetInt32(6),
        Worker = NullableString(reader, 7),
        LeaseOwner = NullableString(reader, 8),
        LeaseExpiresAt = NullableTime(reader, 9),
        CommandId = NullableString(reader, 10),
        ExitCode = reader.IsDBNull(11) ? null : reader.GetInt32(11),
        Reason = NullableString(reader, 12),
        Message = NullableString(reader, 13),
        OutputTail = NullableString(reader, 14),
        Body = NullableString(reader, 15),
        CreatedAt = ParseTime(reader.GetString(16)),
        StartedAt = NullableTime(reader, 17),
        FinishedAt = NullableTime(reader, 18),
        UpdatedAt = ParseTime(reader.GetString(19)),
        Version = reader.GetInt64(20),
    };

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ParseTime(reader.GetString(ordinal));

    private static string StatusText(JobStatus status) => status switch
    {
        JobStatus.Queued => "QUEUED",
        JobStatus.Running => "RUNNING",
        JobStatus.Succeeded => "SUCCEEDED",
        JobStatus.Failed => "FAILED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    private static JobStatus ParseStatus(string text) => text switch
    {
        "QUEUED" => JobStatus.Queued,
        "RUNNING" => JobStatus.Running,
        "SUCCEEDED" => JobStatus.Succeeded,
        "FAILED" => JobStatus.Failed,
        _ => throw new InvalidDataException($"Unknown job status '{text}' in the jobs table."),
    };

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private static object Text(DateTimeOffset? time) => time is { } value ? Text(value) : DBNull.Value;

    private static DateTimeOffset ParseTime(string text) => new(
        DateTime.ParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        TimeSpan.Zero);

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _store.Gate.WaitAsync(cancellationToken);
        if (Volatile.Read(ref _disposed) != 0)
        {
            _store.Gate.Release();
            throw new ObjectDisposedException(nameof(SqliteJobLedger));
        }
    }

    private static void Set(SqliteCommand command, params ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
