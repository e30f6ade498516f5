using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2.Model;
using Shoal.Core.Jobs;

namespace Shoal.Aws.Ledger;

// A JobRecord as a DynamoDB item, both ways. The seed's capitalised attributes (Status, Retries,
// instance_id, Output_Logs) are written next to ours so dashboards and `aws dynamodb get-item` habits
// built on the seed keep working; they are derived and never read back.
internal static class DynamoJobItem
{
    // DynamoDB items are capped at 400 KB. The output tail (already a tail) and the message body are
    // the only unbounded fields; these caps keep a whole item near 300 KB at worst. An SQS message of
    // the classic 256 KiB limit fits whole, so the body normally reads back exactly as written.
    internal const int OutputLogsMaxBytes = 32 * 1024;
    internal const int BodyMaxBytes = 256 * 1024;
    internal const string TruncatedOutputMarker = "[output truncated by Shoal]\n";
    internal const string TruncatedBodyMarker = "\n[body truncated by Shoal]";

    private const string Queue = "queue";
    private const string Attempts = "attempts";
    private const string Failures = "failures";
    private const string Interruptions = "interruptions";
    private const string Retry = "retry";
    private const string Worker = "worker";
    private const string LeaseOwner = "lease_owner";
    private const string LeaseExpiresAt = "lease_expires_at";
    private const string CommandId = "command_id";
    private const string ExitCode = "exit_code";
    private const string Reason = "reason";
    private const string Message = "message";
    private const string Body = "body";
    private const string CreatedAt = "created_at";
    private const string StartedAt = "started_at";
    private const string FinishedAt = "finished_at";
    internal const string Version = "version";

    // The seed's attributes, spelled as the seed spelled them.
    internal const string SeedStatus = "Status";
    internal const string SeedRetries = "Retries";
    internal const string SeedInstanceId = "instance_id";
    internal const string SeedOutputLogs = "Output_Logs";

    // Attributes a record may or may not have: an update that replaces a record removes those the new
    // state lacks, as a full-item put would.
    private static readonly string[] Optional =
    [
        Worker, SeedInstanceId, LeaseOwner, LeaseExpiresAt, CommandId, ExitCode, Reason, Message, SeedOutputLogs, Body,
        StartedAt, FinishedAt, DynamoLedgerSchema.TimeToLiveAttribute,
    ];

    /// <summary>
    /// The record as an update of an existing item: every attribute of <see cref="ToItem"/> but the key and
    /// created_at, which is written once, when the item is created, and never again; optional attributes
    /// the record lacks are removed. Placeholders (#a0, :v0 …) sidestep DynamoDB's reserved words.
    /// </summary>
    public static (string Expression, Dictionary<string, string> Names, Dictionary<string, AttributeValue> Values) ToUpdate(JobRecord record, TimeSpan retention)
    {
        var item = ToItem(record, retention);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        var sets = new List<string>();
        foreach (var (name, value) in item)
        {
            if (name is DynamoLedgerSchema.HashKey or CreatedAt)
            {
                continue;
            }

            var n = $"#a{names.Count}";
            var v = $":v{values.Count}";
            names[n] = name;
            values[v] = value;
            sets.Add($"{n} = {v}");
        }

        var removes = new List<string>();
        foreach (var name in Optional.Where(o => !item.ContainsKey(o)))
        {
            var n = $"#a{names.Count}";
            names[n] = name;
            removes.Add(n);
        }

        var expression = "SET " + string.Join(", ", sets) + (removes.Count > 0 ? " REMOVE " + string.Join(", ", removes) : string.Empty);
        return (expression, names, values);
    }

    /// <summary>
    /// A condition that the stored item is <paramref name="assumed"/> in everything a transition and the
    /// counters are computed from; its names and values are added to the given maps.
    /// </summary>
    public static string AssumedCondition(JobRecord assumed, Dictionary<string, string> names, Dictionary<string, AttributeValue> values)
    {
        var terms = new List<string>();
        void Equal(string attribute, AttributeValue value)
        {
            var n = $"#c{terms.Count}";
            var v = $":c{terms.Count}";
            names[n] = attribute;
            values[v] = value;
            terms.Add($"{n} = {v}");
        }

        Equal(Version, N(assumed.Version));
        Equal(DynamoLedgerSchema.StatusAttribute, S(StatusText(assumed.Status)));
        Equal(Queue, S(assumed.Queue));
        Equal(Attempts, N(assumed.Attempts));
        Equal(Failures, N(assumed.Failures));
        Equal(Interruptions, N(assumed.Interruptions));
        return string.Join(" AND ", terms);
    }

    public static Dictionary<string, AttributeValue> ToItem(JobRecord record, TimeSpan retention)
    {
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [DynamoLedgerSchema.HashKey] = S(record.JobId),
            [Queue] = S(record.Queue),
            [DynamoLedgerSchema.StatusAttribute] = S(StatusText(record.Status)),
            [SeedStatus] = S(SeedStatusText(record.Status)),
            // The seed's re_run: re-runs after failures, so a job that used its whole budget reads "N of N".
            [SeedRetries] = S(string.Create(CultureInfo.InvariantCulture, $"{Math.Min(record.Failures, record.Retry)} of {record.Retry}")),
            [Attempts] = N(record.Attempts),
            [Failures] = N(record.Failures),
            [Interruptions] = N(record.Interruptions),
            [Retry] = N(record.Retry),
            [CreatedAt] = S(Time(record.CreatedAt)),
            [DynamoLedgerSchema.UpdatedAtAttribute] = S(Time(record.UpdatedAt)),
            [Version] = N(record.Version),
        };

        // Absent rather than NULL-typed: a full-item put then simply drops what the new state no longer has.
        Add(item, Worker, record.Worker);
        Add(item, SeedInstanceId, record.Worker);
        Add(item, LeaseOwner, record.LeaseOwner);
        Add(item, LeaseExpiresAt, record.LeaseExpiresAt is { } lease ? Time(lease) : null);
        Add(item, CommandId, record.CommandId);
        if (record.ExitCode is { } exitCode)
        {
            item[ExitCode] = N(exitCode);
        }

        Add(item, Reason, record.Reason);
        Add(item, Message, record.Message);
        Add(item, SeedOutputLogs, record.OutputTail is null ? null : Tail(record.OutputTail, OutputLogsMaxBytes, TruncatedOutputMarker));
        Add(item, Body, record.Body is null ? null : Head(record.Body, BodyMaxBytes, TruncatedBodyMarker));
        Add(item, StartedAt, record.StartedAt is { } started ? Time(started) : null);
        Add(item, FinishedAt, record.FinishedAt is { } finished ? Time(finished) : null);

        // TTL only on terminal records: a queued or running job (however long) must never expire.
        if (record.IsTerminal)
        {
            var end = record.FinishedAt ?? record.UpdatedAt;
            item[DynamoLedgerSchema.TimeToLiveAttribute] = N((end + retention).ToUnixTimeSeconds());
        }

        return item;
    }

    /// <summary>True for an item Shoal wrote; rows written by the seed (or anyone else) have no version.</summary>
    public static bool IsShoalJob(IReadOnlyDictionary<string, AttributeValue>? item) =>
        item is not null && item.TryGetValue(Version, out var version) && version.N is not null;

    public static JobRecord FromItem(IReadOnlyDictionary<string, AttributeValue> item, string tableName)
    {
        var jobId = RequiredString(item, DynamoLedgerSchema.HashKey, "?", tableName);
        return new JobRecord
        {
            JobId = jobId,
            Queue = RequiredString(item, Queue, jobId, tableName),
            Status = ParseStatus(RequiredString(item, DynamoLedgerSchema.StatusAttribute, jobId, tableName), jobId, tableName),
            Attempts = (int)RequiredNumber(item, Attempts, jobId, tableName),
            Failures = (int)RequiredNumber(item, Failures, jobId, tableName),
            Interruptions = (int)RequiredNumber(item, Interruptions, jobId, tableName),
            Retry = (int)RequiredNumber(item, Retry, jobId, tableName),
            Worker = OptionalString(item, Worker),
            LeaseOwner = OptionalString(item, LeaseOwner),
            LeaseExpiresAt = OptionalTime(item, LeaseExpiresAt, jobId, tableName),
            CommandId = OptionalString(item, CommandId),
            ExitCode = OptionalNumber(item, ExitCode, jobId, tableName) is { } exitCode ? (int)exitCode : null,
            Reason = OptionalString(item, Reason),
            Message = OptionalString(item, Message),
            OutputTail = OptionalString(item, SeedOutputLogs),
            Body = OptionalString(item, Body),
            CreatedAt = ParseTime(RequiredString(item, CreatedAt, jobId, tableName), CreatedAt, jobId, tableName),
            StartedAt = OptionalTime(item, StartedAt, jobId, tableName),
            FinishedAt = OptionalTime(item, FinishedAt, jobId, tableName),
            UpdatedAt = ParseTime(RequiredString(item, DynamoLedgerSchema.UpdatedAtAttribute, jobId, tableName), DynamoLedgerSchema.UpdatedAtAttribute, jobId, tableName),
            Version = RequiredNumber(item, Version, jobId, tableName),
        };
    }

    public static string StatusText(JobStatus status) => status switch
    {
        JobStatus.Queued => "QUEUED",
        JobStatus.Running => "RUNNING",
        JobStatus.Succeeded => "SUCCEEDED",
        JobStatus.Failed => "FAILED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    // The seed wrote "Started" when the command was sent, then "Successful" or "Failed"; it had no queued state.
    public static string SeedStatusText(JobStatus status) => status switch
    {
        JobStatus.Queued => "Queued",
        JobStatus.Running => "Started",
        JobStatus.Succeeded => "Successful",
        JobStatus.Failed => "Failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    /// <summary>UTC, round-trip format: fixed width, so the text sorts in time order (the index's range key).</summary>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static long ReadNumber(IReadOnlyDictionary<string, AttributeValue> item, string name, string jobId, string tableName) =>
        OptionalNumber(item, name, jobId, tableName) ?? 0;

    /// <summary>The last bytes of <paramref name="text"/> that fit in <paramref name="maxBytes"/> of UTF-8, marker first.</summary>
    internal static string Tail(string text, int maxBytes, string marker)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var budget = maxBytes - Encoding.UTF8.GetByteCount(marker);
        var start = text.Length;
        while (start > 0)
        {
            var width = char.IsLowSurrogate(text[start - 1]) && start > 1 && char.IsHighSurrogate(text[start - 2]) ? 2 : 1;
            var bytes = Encoding.UTF8.GetByteCount(text.AsSpan(start - width, width));
            if (bytes > budget)
            {
                break;
            }

            budget -= bytes;
            start -= width;
        }

        return marker + text[start..];
    }

    /// <summary>The first bytes of <paramref name="text"/> that fit in <paramref name="maxBytes"/> of UTF-8, marker last.</summary>
    internal static string Head(string text, int maxBytes, string marker)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var budget = maxBytes - Encoding.UTF8.GetByteCount(marker);
        var end = 0;
        while (end < text.Length)
        {
            var width = char.IsHighSurrogate(text[end]) && end + 1 < text.Length && char.IsLowSurrogate(text[end + 1]) ? 2 : 1;
            var bytes = Encoding.UTF8.GetByteCount(text.AsSpan(end, width));
            if (bytes > budget)
            {
                break;
            }

            budget -= bytes;
            end += width;
        }

        return text[..end] + marker;
    }

    private static void Add(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is not null)
        {
            item[name] = S(value);
        }
    }

    private static JobStatus ParseStatus(string text, string jobId, string tableName) => text switch
    {
        "QUEUED" => JobStatus.Queued,
        "RUNNING" => JobStatus.Running,
        "SUCCEEDED" => JobStatus.Succeeded,
        "FAILED" => JobStatus.Failed,
        _ => throw Corrupt(jobId, tableName, $"unknown status '{text}'"),
    };

    private static string RequiredString(IReadOnlyDictionary<string, AttributeValue> item, string name, string jobId, string tableName) =>
        item.TryGetValue(name, out var value) && value.S is { } text ? text : throw Corrupt(jobId, tableName, $"no string attribute '{name}'");

    private static string? OptionalString(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static long RequiredNumber(IReadOnlyDictionary<string, AttributeValue> item, string name, string jobId, string tableName) =>
        OptionalNumber(item, name, jobId, tableName) ?? throw Corrupt(jobId, tableName, $"no number attribute '{name}'");

    private static long? OptionalNumber(IReadOnlyDictionary<string, AttributeValue> item, string name, string jobId, string tableName)
    {
        if (!item.TryGetValue(name, out var value) || value.N is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Corrupt(jobId, tableName, $"'{name}' is not a whole number: '{text}'");
    }

    private static DateTimeOffset? OptionalTime(IReadOnlyDictionary<string, AttributeValue> item, string name, string jobId, string tableName) =>
        OptionalString(item, name) is { } text ? ParseTime(text, name, jobId, tableName) : null;

    private static DateTimeOffset ParseTime(string text, string name, string jobId, string tableName) =>
        DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw Corrupt(jobId, tableName, $"'{name}' is not an ISO-8601 round-trip timestamp: '{text}'");

    private static InvalidDataException Corrupt(string jobId, string tableName, string problem) =>
        new($"Job item '{jobId}' in DynamoDB table '{tableName}' cannot be read: {problem}.");
}
