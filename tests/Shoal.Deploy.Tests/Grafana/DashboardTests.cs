using System.Text.Json.Nodes;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Grafana;

public sealed class DashboardTests
{
    private static readonly JsonNode Dashboard = JsonNode.Parse(RepoPaths.Read("config", "grafana", "shoal-dashboard.json"))!;

    public static TheoryData<string> Expressions()
    {
        var data = new TheoryData<string>();
        foreach (var expression in AllExpressions())
        {
            data.Add(expression);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Expressions))]
    public void Every_query_selects_operator_metrics_by_labels_they_have(string expression)
    {
        Assert.True(PromQl.Balanced(expression), $"unbalanced brackets in {expression}");
        var selectors = PromQl.Selectors(expression);
        Assert.NotEmpty(selectors);

        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (series, matchers) in selectors)
        {
            var resolved = OperatorMetrics.Resolve(series);
            Assert.True(resolved is not null, $"{series} is not a metric the operator exports");
            Assert.All(matchers, m => Assert.True(resolved.Value.Labels.Contains(m), $"{series} has no label {m}"));
            labels.UnionWith(resolved.Value.Labels);
        }

        Assert.All(PromQl.GroupingLabels(expression), l => Assert.True(labels.Contains(l), $"grouping by {l}, which {string.Join(", ", selectors.Select(s => s.Series))} lack"));
    }

    [Fact]
    public void The_checks_above_would_catch_an_unknown_metric_or_label()
    {
        Assert.Null(OperatorMetrics.Resolve("shoal_job"));
        Assert.Equal(["state"], PromQl.GroupingLabels("sum by (state) (shoal_jobs)"));
        Assert.DoesNotContain("pool", OperatorMetrics.Resolve(PromQl.Selectors("shoal_jobs{pool=\"x\"}")[0].Series)!.Value.Labels);
        Assert.Contains("le", OperatorMetrics.Resolve("shoal_reconcile_duration_seconds_bucket")!.Value.Labels);
        Assert.False(PromQl.Balanced("sum(rate(shoal_jobs[5m])"));
    }

    [Theory]
    [InlineData("shoal_jobs", "state")]
    [InlineData("shoal_queue_depth", "kind")]
    [InlineData("shoal_workers", "phase")]
    [InlineData("shoal_workers_capacity", "capacity")]
    [InlineData("shoal_reconcile_errors_total", "controller")]
    [InlineData("shoal_reconcile_duration_seconds_bucket", "controller")]
    [InlineData("shoal_aws_requests_total", "service")]
    [InlineData("shoal_aws_throttles_total", "service")]
    public void The_dashboard_shows_what_operators_watch(string series, string groupedBy)
    {
        // Jobs by state, queue depth, workers by phase, spot vs on-demand, reconcile errors and latency, AWS calls.
        Assert.Contains(AllExpressions(), e => PromQl.Selectors(e).Any(s => s.Series == series) && PromQl.GroupingLabels(e).Contains(groupedBy));
    }

    [Fact]
    public void Panels_have_unique_ids_and_do_not_overlap_on_the_24_column_grid()
    {
        var panels = Dashboard["panels"]!.AsArray().Select(p => p!).ToList();
        var boxes = panels.Select(p => (Id: p["id"]!.GetValue<int>(), G: p["gridPos"]!)).Select(p => (p.Id,
            X: p.G["x"]!.GetValue<int>(), Y: p.G["y"]!.GetValue<int>(), W: p.G["w"]!.GetValue<int>(), H: p.G["h"]!.GetValue<int>())).ToList();

        Assert.Equal(boxes.Count, boxes.Select(b => b.Id).Distinct().Count());
        Assert.All(boxes, b => Assert.InRange(b.X + b.W, 1, 24));
        var overlaps = from a in boxes
                       from b in boxes
                       where a.Id < b.Id && a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H
                       select $"{a.Id}/{b.Id}";
        Assert.Empty(overlaps);
    }

    [Fact]
    public void Every_panel_queries_the_chosen_Prometheus_data_source()
    {
        var queryPanels = Dashboard["panels"]!.AsArray().Where(p => p!["type"]!.GetValue<string>() != "row").ToList();

        Assert.All(queryPanels, p =>
        {
            Assert.Equal("${datasource}", p!["datasource"]!["uid"]!.GetValue<string>());
            Assert.NotEmpty(p["targets"]!.AsArray());
        });
    }

    private static IEnumerable<string> AllExpressions() =>
        Dashboard["panels"]!.AsArray()
            .SelectMany(p => p!["targets"]?.AsArray() ?? [])
            .Select(t => t!["expr"]!.GetValue<string>())
            .Concat(Dashboard["templating"]!["list"]!.AsArray()
                .Where(v => v!["type"]!.GetValue<string>() == "query")
                .Select(v => v!["query"]!["query"]!.GetValue<string>()));
}
