using System.Text.Json.Nodes;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.ArgoCd;

// The Argo CD health checks in config/argocd/health, run by lua5.4 over the status fixtures in
// Fixtures/Health/<kind>/<case>.json: Healthy when Ready is True for the current generation, Progressing
// while status is missing, a generation lags or the reason is transitional, Degraded with the
// condition's message when the reason needs a person.
public sealed class HealthScriptTests
{
    [Theory]
    [InlineData("jobqueue", "provisioned", "Healthy", "Provisioned: queue nightly-job-queue and table nightly-job-monitoring are ready")]
    [InlineData("jobqueue", "no-status", "Progressing", "Waiting for the operator to report status")]
    [InlineData("jobqueue", "generation-lag", "Progressing", "Waiting for the operator to act on generation 4")]
    [InlineData("jobqueue", "condition-lag", "Progressing", "Ready describes generation 3, waiting for 4")]
    [InlineData("jobqueue", "no-conditions", "Progressing", "Waiting for the Ready condition")]
    [InlineData("jobqueue", "unknown-status", "Progressing", "Reconciling")]
    [InlineData("jobqueue", "throttled", "Progressing", "Throttled: SQS throttled CreateQueue; retrying")]
    [InlineData("jobqueue", "aws-setup-failed", "Degraded", "AwsSetupFailed: table nightly-job-monitoring has key id (N), not job_id (S): use another tableName")]
    [InlineData("jobqueue", "forbidden", "Degraded", "Forbidden: not allowed to call sqs:CreateQueue: grant config/iam/operator-policy.json to the operator's role")]
    [InlineData("jobqueue", "not-found", "Degraded", "NotFound: spec.queueUrl https://sqs.us-east-1.amazonaws.com/111122223333/gone does not exist")]
    [InlineData("jobqueue", "unknown-reason", "Degraded", "QuotaExceeded: too many queues in this account (reason not known to this health check)")]
    [InlineData("workerpool", "scaling", "Healthy", "Scaling: 6 desired: 4 ready, 2 launching")]
    [InlineData("workerpool", "no-status", "Progressing", "Waiting for the operator to report status")]
    [InlineData("workerpool", "generation-lag", "Progressing", "Waiting for the operator to act on generation 6")]
    [InlineData("workerpool", "jobqueue-not-ready", "Progressing", "JobQueueNotReady: JobQueue nightly is not Ready yet")]
    [InlineData("workerpool", "jobqueue-not-found", "Degraded", "JobQueueNotFound: JobQueue nightly does not exist in namespace team-a: create it or fix spec.jobQueueRef.name")]
    [InlineData("workerpool", "aws-setup-failed", "Degraded", "AwsSetupFailed: subnet subnet-0123 does not exist: fix spec.template.subnets")]
    [InlineData("worker", "no-status", "Progressing", "Waiting for the operator to report status")]
    [InlineData("worker", "launching", "Progressing", "Launching: instance i-0abc123def4567890 is pending")]
    [InlineData("worker", "waiting-for-agent", "Progressing", "WaitingForAgent: waiting for the SSM agent on i-0abc123def4567890")]
    [InlineData("worker", "idle", "Healthy", "Idle: waiting for jobs")]
    [InlineData("worker", "running", "Healthy", "Running: running job jobId_42")]
    [InlineData("worker", "draining", "Progressing", "Draining: rebalance recommendation: finishing jobId_42, taking no new jobs")]
    [InlineData("worker", "terminating", "Progressing", "Terminating: idle for 300 s")]
    [InlineData("worker", "terminated", "Healthy", "Terminated: spot interruption")]
    [InlineData("worker", "unknown-reason", "Degraded", "AgentLost: the SSM agent stopped answering (reason not known to this health check)")]
    public async Task Health_check_reads_the_fixture_as_Argo_CD_should(string kind, string fixture, string status, string message)
    {
        var health = await LuaHealthScript.RunAsync(Script(kind), Fixture(kind, fixture));

        Assert.Equal(new HealthStatus(status, message), health);
    }

    [Fact]
    public void Every_fixture_has_a_case_above()
    {
        // A fixture added without an expectation would test nothing.
        var cases = typeof(HealthScriptTests).GetMethod(nameof(Health_check_reads_the_fixture_as_Argo_CD_should))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => $"{a.GetData(null!).Single()[0]}/{a.GetData(null!).Single()[1]}")
            .ToHashSet(StringComparer.Ordinal);
        var fixtures = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Health"), "*.json", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetFileName(Path.GetDirectoryName(f))}/{Path.GetFileNameWithoutExtension(f)}")
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(fixtures.Except(cases));
        Assert.Empty(cases.Except(fixtures));
    }

    [Fact]
    public async Task A_Ready_condition_for_an_older_generation_is_not_healthy_even_when_status_caught_up()
    {
        // status.observedGeneration and the condition's own observedGeneration are checked separately.
        var obj = Fixture("workerpool", "scaling");
        obj!["metadata"]!["generation"] = 6;
        obj["status"]!["observedGeneration"] = 6;

        var health = await LuaHealthScript.RunAsync(Script("workerpool"), obj);

        Assert.Equal("Progressing", health.Status);
    }

    [Fact]
    public async Task A_transitional_reason_of_another_kind_is_not_taken_as_progress()
    {
        // Launching is progress for a Worker, but a JobQueue never reports it: it must not hide a problem.
        var obj = Fixture("jobqueue", "aws-setup-failed");
        obj!["status"]!["conditions"]![0]!["reason"] = "Launching";

        var health = await LuaHealthScript.RunAsync(Script("jobqueue"), obj);

        Assert.Equal("Degraded", health.Status);
    }

    [Fact]
    public async Task A_resource_without_generation_is_judged_by_its_Ready_condition()
    {
        var obj = Fixture("worker", "idle");
        obj!["metadata"]!.AsObject().Remove("generation");

        var health = await LuaHealthScript.RunAsync(Script("worker"), obj);

        Assert.Equal(new HealthStatus("Healthy", "Idle: waiting for jobs"), health);
    }

    internal static string Script(string kind) => RepoPaths.Of("config", "argocd", "health", kind + ".lua");

    private static JsonNode? Fixture(string kind, string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Health", kind, name + ".json")));
}
