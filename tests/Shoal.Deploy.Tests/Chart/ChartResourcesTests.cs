using System.Text.RegularExpressions;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Chart;

public sealed partial class ChartResourcesTests
{
    [Fact]
    public void Chart_yaml_is_a_Helm_3_application_chart_named_shoal()
    {
        var chart = Yaml.LoadFile("charts", "shoal", "Chart.yaml")!;

        Assert.Equal("v2", chart["apiVersion"]?.GetValue<string>());
        Assert.Equal("shoal", chart["name"]?.GetValue<string>());
        Assert.Equal("application", chart["type"]?.GetValue<string>());
        Assert.Matches(SemVer(), chart["version"]!.GetValue<string>());
        Assert.Matches(SemVer(), chart["appVersion"]!.GetValue<string>());
    }

    [Fact]
    public void The_ServiceAccount_has_an_annotation_slot_for_IRSA()
    {
        var template = RepoPaths.Read("charts", "shoal", "templates", "serviceaccount.yaml");

        Assert.Equal("ServiceAccount", ChartTemplate.Single("serviceaccount.yaml")["kind"]?.GetValue<string>());
        Assert.Contains("{{- with .Values.serviceAccount.annotations }}", template, StringComparison.Ordinal);
    }

    [Fact]
    public void The_metrics_Service_and_ServiceMonitor_reach_the_containers_metrics_port()
    {
        var service = ChartTemplate.Single("service.yaml");
        var monitor = ChartTemplate.Single("servicemonitor.yaml");
        var port = service["spec"]!["ports"]!.AsArray().Single()!;
        var endpoint = monitor["spec"]!["endpoints"]!.AsArray().Single()!;

        Assert.Equal("metrics", port["targetPort"]?.GetValue<string>());
        Assert.Equal("metrics", port["name"]?.GetValue<string>());
        Assert.Equal("monitoring.coreos.com/v1", monitor["apiVersion"]?.GetValue<string>());
        Assert.Equal("metrics", endpoint["port"]?.GetValue<string>());
        Assert.Equal("/metrics", endpoint["path"]?.GetValue<string>());
    }

    [Fact]
    public void The_ServiceMonitor_is_optional_and_off_by_default()
    {
        Assert.StartsWith("{{- if .Values.metrics.serviceMonitor.enabled }}", RepoPaths.Read("charts", "shoal", "templates", "servicemonitor.yaml"), StringComparison.Ordinal);
        Assert.False(ValuesSchema.Defaults()["metrics"]!["serviceMonitor"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void A_PodDisruptionBudget_keeps_a_replica_through_voluntary_disruptions()
    {
        var pdb = ChartTemplate.Single("poddisruptionbudget.yaml");
        var values = ValuesSchema.Defaults();

        Assert.Equal("policy/v1", pdb["apiVersion"]?.GetValue<string>());
        Assert.Equal("PodDisruptionBudget", pdb["kind"]?.GetValue<string>());
        Assert.True(values["replicaCount"]!.GetValue<long>() > values["podDisruptionBudget"]!["maxUnavailable"]!.GetValue<long>());
    }

    [Fact]
    public void NOTES_tell_the_user_the_next_kubectl_commands()
    {
        var notes = RepoPaths.Read("charts", "shoal", "templates", "NOTES.txt");

        Assert.Contains("kubectl -n {{ .Release.Namespace }} rollout status deployment/", notes, StringComparison.Ordinal);
        Assert.Contains("kubectl get jobqueues,workerpools,workers", notes, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();
}
