using System.Text.Json.Nodes;
using Shoal.Deploy.Tests.Docker;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Chart;

// The Deployment's safety properties are literal in the template (not values a user can turn off):
// probes on /healthz and /readyz, a non-root user, a read-only root filesystem with a writable /tmp.
public sealed class DeploymentTests
{
    private readonly JsonObject deployment = ChartTemplate.Single("deployment.yaml");

    private JsonNode Pod => deployment["spec"]!["template"]!["spec"]!;

    private JsonNode Container => Pod["containers"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "operator")!;

    [Fact]
    public void It_is_a_Deployment_of_one_operator_container()
    {
        Assert.Equal("apps/v1", deployment["apiVersion"]?.GetValue<string>());
        Assert.Equal("Deployment", deployment["kind"]?.GetValue<string>());
        Assert.Single(Pod["containers"]!.AsArray());
    }

    [Theory]
    [InlineData("livenessProbe", "/healthz")]
    [InlineData("startupProbe", "/healthz")]
    [InlineData("readinessProbe", "/readyz")]
    public void Probes_use_the_operators_health_endpoints_on_the_metrics_port(string probe, string path)
    {
        var get = Container[probe]?["httpGet"];

        Assert.NotNull(get);
        Assert.Equal(path, get["path"]?.GetValue<string>());
        Assert.Equal("metrics", get["port"]?.GetValue<string>());
        Assert.Contains(Container["ports"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "metrics");
    }

    [Fact]
    public void The_pod_runs_as_the_images_non_root_user()
    {
        var pod = Pod["securityContext"]!;
        var container = Container["securityContext"]!;

        Assert.True(pod["runAsNonRoot"]!.GetValue<bool>());
        Assert.True(container["runAsNonRoot"]!.GetValue<bool>());
        Assert.NotEqual(0, pod["runAsUser"]!.GetValue<long>());
        Assert.Equal(DockerfileTests.RuntimeUser(), pod["runAsUser"]!.GetValue<long>());
        Assert.False(container["allowPrivilegeEscalation"]!.GetValue<bool>());
        Assert.Equal(["ALL"], container["capabilities"]!["drop"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("RuntimeDefault", pod["seccompProfile"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void The_root_filesystem_is_read_only_and_tmp_is_an_emptyDir()
    {
        Assert.True(Container["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());

        var mount = Container["volumeMounts"]!.AsArray().Single(m => m!["mountPath"]!.GetValue<string>() == "/tmp")!;
        var volume = Pod["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == mount["name"]!.GetValue<string>())!;
        Assert.NotNull(volume["emptyDir"]);
        Assert.Contains(Container["env"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "TMPDIR" && e["value"]!.GetValue<string>() == "/tmp");
    }

    [Fact]
    public void Leader_election_and_the_lease_namespace_come_from_the_pod()
    {
        var args = Args();
        var env = Container["env"]!.AsArray();

        Assert.Contains(args, a => a.StartsWith("--leader-elect=", StringComparison.Ordinal));
        Assert.Contains("--lease-namespace=$(POD_NAMESPACE)", args);
        Assert.Contains("--identity=$(POD_NAME)", args);
        Assert.Equal("metadata.namespace", env.Single(e => e!["name"]!.GetValue<string>() == "POD_NAMESPACE")!["valueFrom"]!["fieldRef"]!["fieldPath"]!.GetValue<string>());
        Assert.Equal("metadata.name", env.Single(e => e!["name"]!.GetValue<string>() == "POD_NAME")!["valueFrom"]!["fieldRef"]!["fieldPath"]!.GetValue<string>());
    }

    [Fact]
    public void The_region_is_required_and_the_endpoint_optional()
    {
        var template = RepoPaths.Read("charts", "shoal", "templates", "deployment.yaml");

        Assert.Contains(Container["env"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "AWS_REGION");
        Assert.Contains("{{ required \"aws.region is required", template, StringComparison.Ordinal);
        Assert.Contains("{{- with .Values.aws.endpointUrl }}", template, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_one_replica_without_leader_election_is_refused()
    {
        var template = RepoPaths.Read("charts", "shoal", "templates", "deployment.yaml");

        Assert.Contains("(gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled)", template, StringComparison.Ordinal);
        Assert.Contains("{{- fail ", template, StringComparison.Ordinal);
    }

    internal static IReadOnlyList<string> Args() =>
        [.. ChartTemplate.Single("deployment.yaml")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => a!.GetValue<string>())];
}
