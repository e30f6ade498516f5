using Shoal.Api.V1Alpha1;
using Shoal.Deploy.Tests.Chart;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Rbac;

public sealed class RbacTests
{
    private static readonly SortedSet<string> Config = RbacRules.Of(Yaml.LoadFile("config", "rbac", "role.yaml")!);

    [Fact]
    public void The_chart_grants_exactly_what_config_rbac_role_yaml_grants()
    {
        var chart = new SortedSet<string>(RbacRules.Of(ChartTemplate.Single("clusterrole.yaml")), StringComparer.Ordinal);
        chart.UnionWith(RbacRules.Of(ChartTemplate.Single("leader-election-role.yaml")));

        Assert.Equal(Config, chart);
    }

    [Fact]
    public void The_lease_is_granted_in_the_release_namespace_only()
    {
        var role = ChartTemplate.Single("leader-election-role.yaml");

        Assert.Equal("Role", role["kind"]?.GetValue<string>());
        Assert.All(RbacRules.Of(role), r => Assert.StartsWith("coordination.k8s.io leases ", r, StringComparison.Ordinal));
        Assert.DoesNotContain(RbacRules.Of(ChartTemplate.Single("clusterrole.yaml")), r => r.Contains(" leases ", StringComparison.Ordinal));
        Assert.Equal("ClusterRole", ChartTemplate.Single("clusterrole.yaml")["kind"]?.GetValue<string>());
    }

    [Fact]
    public void The_bindings_name_the_roles_and_the_operators_ServiceAccount()
    {
        var clusterBinding = ChartTemplate.Single("clusterrolebinding.yaml");
        var binding = ChartTemplate.Single("leader-election-rolebinding.yaml");

        Assert.Equal("ClusterRole", clusterBinding["roleRef"]!["kind"]!.GetValue<string>());
        Assert.Equal("Role", binding["roleRef"]!["kind"]!.GetValue<string>());
        Assert.All([clusterBinding, binding], b => Assert.Equal("ServiceAccount", b["subjects"]![0]!["kind"]!.GetValue<string>()));
    }

    [Fact]
    public void Shoal_resources_in_the_role_are_the_API_types_and_each_is_listed_and_watched()
    {
        string[] plurals = [WellKnown.JobQueuePlural, WellKnown.WorkerPoolPlural, WellKnown.WorkerPlural];
        var shoal = Config.Where(r => r.StartsWith(WellKnown.Group + " ", StringComparison.Ordinal)).Select(r => r.Split(' ')).ToList();

        Assert.All(shoal, r => Assert.Contains(r[1].Split('/')[0], plurals));
        Assert.All(plurals, p =>
        {
            Assert.Contains($"{WellKnown.Group} {p} list", Config);
            Assert.Contains($"{WellKnown.Group} {p} watch", Config);
            Assert.Contains($"{WellKnown.Group} {p}/status patch", Config);
        });
    }

    [Fact]
    public void Only_Workers_are_created_and_deleted_by_the_operator()
    {
        var creates = Config.Where(r => r.EndsWith(" create", StringComparison.Ordinal) || r.EndsWith(" delete", StringComparison.Ordinal));

        Assert.Equal(
            ["coordination.k8s.io leases create", "core events create", $"{WellKnown.Group} {WellKnown.WorkerPlural} create", $"{WellKnown.Group} {WellKnown.WorkerPlural} delete"],
            creates.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Nothing_is_granted_with_a_wildcard()
    {
        Assert.DoesNotContain(Config, r => r.Contains('*', StringComparison.Ordinal));
    }

    [Fact]
    public void The_kustomize_install_binds_the_role_to_its_ServiceAccount()
    {
        var binding = Yaml.LoadFile("config", "rbac", "role_binding.yaml")!;
        var account = Yaml.LoadFile("config", "rbac", "service_account.yaml")!;
        var kustomization = Yaml.LoadFile("config", "rbac", "kustomization.yaml")!;

        Assert.Equal(Yaml.LoadFile("config", "rbac", "role.yaml")!["metadata"]!["name"]!.GetValue<string>(), binding["roleRef"]!["name"]!.GetValue<string>());
        Assert.Equal(account["metadata"]!["name"]!.GetValue<string>(), binding["subjects"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(account["metadata"]!["namespace"]!.GetValue<string>(), binding["subjects"]![0]!["namespace"]!.GetValue<string>());
        Assert.All(kustomization["resources"]!.AsArray(), r => Assert.True(File.Exists(RepoPaths.Of("config", "rbac", r!.GetValue<string>()))));
    }
}
