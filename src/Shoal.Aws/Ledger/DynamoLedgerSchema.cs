namespace Shoal.Aws.Ledger;

/// <summary>
/// The names that make up the DynamoDB job table, shared by the ledger, the provisioner and anyone
/// reading the table by hand (<c>aws dynamodb get-item --key '{"job_id":{"S":"ID"}}'</c>).
/// </summary>
public static class DynamoLedgerSchema
{
    /// <summary>The table's only key, a String, as in the seed's job-monitoring table.</summary>
    public const string HashKey = "job_id";

    /// <summary>GSI listing jobs by state: hash <see cref="StatusAttribute"/>, range <see cref="UpdatedAtAttribute"/>, ALL projected.</summary>
    public const string StatusIndexName = "status-updated_at";

    /// <summary>Our state (QUEUED, RUNNING, SUCCEEDED, FAILED); the seed's capitalised <c>Status</c> is a different attribute.</summary>
    public const string StatusAttribute = "status";

    public const string UpdatedAtAttribute = "updated_at";

    /// <summary>The TTL attribute (epoch seconds), present on terminal jobs only.</summary>
    public const string TimeToLiveAttribute = "expires_at";

    /// <summary>
    /// Per-queue counter items live in the same table under <c>job_id = "#counters#" + queue</c>. They carry
    /// no <see cref="StatusAttribute"/>, so they stay out of the status index. Job ids starting with this
    /// prefix are refused; a job id practically never starts with '#'.
    /// </summary>
    public const string CounterKeyPrefix = "#counters#";

    public static string CounterKey(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return CounterKeyPrefix + queue;
    }

    public static bool IsReservedJobId(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return jobId.StartsWith(CounterKeyPrefix, StringComparison.Ordinal);
    }
}
