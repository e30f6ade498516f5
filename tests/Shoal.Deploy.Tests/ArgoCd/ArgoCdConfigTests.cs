using System.Text.Json.Nodes;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.ArgoCd;

public sealed class ArgoCdConfigTests
{
    [Theory]
    [InlineData("JobQueue", "jobqueue")]
    [InlineData("WorkerPool", "workerpool")]
    [InlineData("Worker", "worker")]
    public void The_argocd_cm_patch_embeds_each_script_unchanged(string kind, string file)
    {
        var patch = Yaml.LoadFile("config", "argocd", "argocd-cm-patch.yaml")!;
        var embedded = patch["data"]?[$"resource.customizations.health.shoal.dev_{kind}"]?.GetValue<string>();

        Assert.Equal(RepoPaths.Read("config", "argocd", "health", file + ".lua"), embedded);
    }

    [Fact]
    public void The_patch_targets_Argo_CDs_own_ConfigMap_and_holds_only_health_checks_for_Shoal_kinds()
    {
        var patch = Yaml.LoadFile("config", "argocd", "argocd-cm-patch.yaml")!;

        Assert.Equal("ConfigMap", patch["kind"]?.GetValue<string>());
        Assert.Equal("argocd-cm", patch["metadata"]?["name"]?.GetValue<string>());
        Assert.Equal(
            ["resource.customizations.health.shoal.dev_JobQueue", "resource.customizations.health.shoal.dev_Worker", "resource.customizations.health.shoal.dev_WorkerPool"],
            patch["data"]!.AsObject().Select(kv => kv.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_Application_installs_the_chart_from_this_repository_with_a_region()
    {
        var app = Yaml.LoadFile("config", "argocd", "application.yaml")!;
        var source = app["spec"]!["source"]!;

        Assert.Equal("argoproj.io/v1alpha1", app["apiVersion"]?.GetValue<string>());
        Assert.Equal("Application", app["kind"]?.GetValue<string>());
        Assert.True(Directory.Exists(RepoPaths.Of(source["path"]!.GetValue<string>())), "spec.source.path must name the chart's folder");
        Assert.False(string.IsNullOrEmpty(source["helm"]?["valuesObject"]?["aws"]?["region"]?.GetValue<string>()), "the chart requires aws.region");
        Assert.Contains("ServerSideApply=true", app["spec"]!["syncPolicy"]!["syncOptions"]!.AsArray().Select(o => o!.GetValue<string>()));
    }

    [Fact]
    public void The_Application_values_pass_the_charts_schema()
    {
        var values = Yaml.LoadFile("config", "argocd", "application.yaml")!["spec"]!["source"]!["helm"]!["valuesObject"]!;

        Assert.Empty(Chart.ValuesSchema.Errors(Chart.ValuesSchema.Merge(Yaml.LoadFile("charts", "shoal", "values.yaml")!, values)));
    }

    [Fact]
    public void The_team_Application_tolerates_CRDs_that_do_not_exist_yet()
    {
        var app = Yaml.LoadFile("config", "argocd", "team-queues-application.yaml")!;

        Assert.Contains("SkipDryRunOnMissingResource=true", app["spec"]!["syncPolicy"]!["syncOptions"]!.AsArray().Select(o => o!.GetValue<string>()));
    }
}
