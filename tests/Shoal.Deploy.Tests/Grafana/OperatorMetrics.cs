namespace Shoal.Deploy.Tests.Grafana;

// The operator's Prometheus metrics and their labels: the fixed contract the dashboard (and alerts)
// are written against. OperatorMetricsCodeTests checks it against the operator's code once that exists.
internal static class OperatorMetrics
{
    public static readonly IReadOnlyDictionary<string, string[]> Labels = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["shoal_reconcile_duration_seconds"] = ["controller"],
        ["shoal_reconcile_errors_total"] = ["controller", "kind"],
        ["shoal_workqueue_depth"] = ["controller"],
        ["shoal_leader"] = [],
        ["shoal_jobs"] = ["namespace", "queue", "state"],
        ["shoal_queue_depth"] = ["namespace", "queue", "kind"],
        ["shoal_workers"] = ["namespace", "pool", "phase"],
        ["shoal_workers_capacity"] = ["namespace", "pool", "capacity"],
        ["shoal_aws_requests_total"] = ["service", "operation"],
        ["shoal_aws_throttles_total"] = ["service", "operation"],
        ["shoal_jobs_finished_total"] = ["namespace", "queue", "outcome"],
        ["shoal_workers_launched_total"] = ["namespace", "pool", "capacity"],
        ["shoal_workers_terminated_total"] = ["namespace", "pool", "reason"],
    };

    public static readonly IReadOnlySet<string> Histograms = new HashSet<string>(["shoal_reconcile_duration_seconds"], StringComparer.Ordinal);

    // The metric a series name belongs to (a histogram's _bucket, _sum and _count series are its own), and
    // the labels that series has; null for a name that is not one of the operator's.
    public static (string Metric, IReadOnlySet<string> Labels)? Resolve(string series)
    {
        if (Labels.TryGetValue(series, out var labels))
        {
            return (series, labels.ToHashSet(StringComparer.Ordinal));
        }

        foreach (var histogram in Histograms)
        {
            if (series == histogram + "_bucket")
            {
                return (histogram, Labels[histogram].Append("le").ToHashSet(StringComparer.Ordinal));
            }

            if (series == histogram + "_sum" || series == histogram + "_count")
            {
                return (histogram, Labels[histogram].ToHashSet(StringComparer.Ordinal));
            }
        }

        return null;
    }
}
