using Shoal.E2ETests.Docker;
using static Shoal.E2ETests.ClusterSteps;

namespace Shoal.E2ETests;

/// <summary>
/// The operator scenarios of Shoal.IntegrationTests on a real Kubernetes: k3s checks what the emulator
/// only imitates (CRD schema and CEL validation, the status subresource, finalizers and garbage collection,
/// Lease semantics, server-side printer columns). The operator runs on this host, outside the cluster.
/// </summary>
[Collection(E2EScenarios.Name)]
public sealed class OperatorOnK3sTests
{
    private static readonly (string, string)[] FastPool = [("idleTimeoutSeconds: 30", "idleTimeoutSeconds: 3")];

    [DockerFact]
    public async Task Applied_queue_and_pool_run_submitted_jobs_show_counts_in_kubectl_and_retire_every_worker()
    {
        await using var world = await K3sWorld.StartAsync();
        var rig = world.Rig;
        await ApplyCrdsAndSamplesAsync(rig, FastPool);
        rig.StartOperator("replica-a");
        await rig.UntilAsync(async () => await ReadyAsync(rig, "jobqueue", "demo") == "True", "JobQueue demo to be Ready", TimeSpan.FromMinutes(2));

        string[] good = ["ok-1", "ok-2", "ok-3", "ok-4"];
        await rig.SubmitAsync(
            JobLine("ok-1", "sleep 2; echo done"),
            JobLine("ok-2", "sleep 2; echo done"),
            JobLine("ok-3", "echo done"),
            JobLine("ok-4", "echo done && echo more"),
            JobLine("fails", "echo nope; exit 3", retry: 1));

        var sawWorker = false;
        await rig.UntilAsync(async () =>
        {
            sawWorker |= (await rig.Kubectl.RunAsync("get", "workers", "--no-headers")).Contains("i-", StringComparison.Ordinal);
            return await AllEndedAsync(rig, [.. good, "fails"]);
        }, "every job to end", TimeSpan.FromMinutes(3));
        Assert.True(sawWorker, "kubectl get workers never showed a worker (with its instance id) while jobs ran");

        foreach (var id in good)
        {
            var item = (await rig.JobAsync(id))!.Value;
            Assert.Equal(("SUCCEEDED", "1"), (item.GetProperty("status").GetProperty("S").GetString(), item.GetProperty("attempts").GetProperty("N").GetString()));
        }

        var failed = (await rig.JobAsync("fails"))!.Value;
        Assert.Equal(("FAILED", "2"), (failed.GetProperty("status").GetProperty("S").GetString(), failed.GetProperty("attempts").GetProperty("N").GetString()));

        // The real API server renders the CRD's additionalPrinterColumns from status.
        await rig.UntilAsync(
            async () => FirstRow(await rig.Kubectl.RunAsync("get", "jobqueues")) is { } row && row["SUCCEEDED"] == "4" && row["FAILED"] == "1",
            "kubectl get jobqueues to show 4 succeeded and 1 failed");
        var queue = FirstRow(await rig.Kubectl.RunAsync("get", "jq"))!;
        Assert.Equal(["NAME", "READY", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "WORKERS", "AGE"], queue.Keys);
        Assert.Equal(("demo", "True", "0", "0"), (queue["NAME"], queue["READY"], queue["QUEUED"], queue["RUNNING"]));

        // Status writes went through the status subresource: they did not bump the generation.
        var yaml = await rig.Kubectl.RunAsync("get", "jq", "demo", "-o", "yaml");
        Assert.Contains("generation: 1", yaml, StringComparison.Ordinal);
        Assert.Contains("observedGeneration: 1", yaml, StringComparison.Ordinal);
        Assert.Contains("reason: Provisioned", yaml, StringComparison.Ordinal);

        await rig.UntilAsync(() => NoWorkerLeftAsync(rig), "every worker to retire and its instance to terminate", TimeSpan.FromMinutes(2));
        var instances = await rig.InstancesAsync();
        Assert.NotEmpty(instances);
        Assert.All(instances, i =>
        {
            Assert.Equal("spot", i.GetProperty("InstanceLifecycle").GetString());
            var tags = i.GetProperty("Tags").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString());
            Assert.Equal(("demo-pool", "shoal-operator"), (tags["shoal.dev/pool"], tags["shoal.dev/owner"]));
        });

        var pool = FirstRow(await rig.Kubectl.RunAsync("get", "workerpools"))!;
        Assert.Equal(["NAME", "READY", "DESIRED", "READY-WORKERS", "BUSY", "AGE"], pool.Keys);
        Assert.Equal(("demo-pool", "True", "0"), (pool["NAME"], pool["READY"], pool["BUSY"]));

        // A real delete: the API server holds the CR until the operator removes its finalizer.
        await rig.Kubectl.RunAsync("delete", "workerpool", "demo-pool", "--timeout=60s");
        var (code, _, stderr) = await rig.Kubectl.TryAsync("get", "workerpool", "demo-pool");
        Assert.NotEqual(0, code);
        Assert.Contains("NotFound", stderr, StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task Operator_killed_mid_run_and_started_again_ends_every_job_exactly_once_and_leaks_no_instance()
    {
        await using var world = await K3sWorld.StartAsync();
        var rig = world.Rig;
        await ApplyCrdsAndSamplesAsync(rig, FastPool);
        var first = rig.StartOperator("replica-a");
        await rig.UntilAsync(async () => await ReadyAsync(rig, "jobqueue", "demo") == "True", "JobQueue demo to be Ready", TimeSpan.FromMinutes(2));
        var ids = Enumerable.Range(1, 6).Select(i => $"long-{i}").ToArray();
        await rig.SubmitAsync([.. ids.Select(id => JobLine(id, "sleep 8; echo done"))]);

        await rig.UntilAsync(async () => await CountAsync(rig, ids, "RUNNING") >= 2, "at least two jobs to be running");
        first.Kill();

        // The dead replica's Lease is still held in the cluster: the new one waits for it to expire, then resumes.
        rig.StartOperator("replica-b");
        await rig.UntilAsync(() => AllEndedAsync(rig, ids), "every job to end after the restart", TimeSpan.FromMinutes(3));

        foreach (var id in ids)
        {
            var item = (await rig.JobAsync(id))!.Value;
            Assert.Equal(("SUCCEEDED", "1"), (item.GetProperty("status").GetProperty("S").GetString(), item.GetProperty("attempts").GetProperty("N").GetString()));
        }

        // One command per job: the new leader re-attached to the running ones instead of sending them again.
        Assert.Equal(ids.Length, rig.Ssm.Commands.Count);
        await rig.UntilAsync(() => NoWorkerLeftAsync(rig), "no instance left running", TimeSpan.FromMinutes(2));
    }

    [DockerFact]
    public async Task Invalid_WorkerPools_are_refused_by_the_real_API_server_with_the_schema_error()
    {
        await using var world = await K3sWorld.StartAsync();
        var rig = world.Rig;
        await ApplyCrdsAsync(rig);

        rig.WriteManifests(("maxWorkers: 4", "maxWorkers: -1"));
        var (code, _, stderr) = await rig.Kubectl.TryAsync("apply", "-f", Path.Combine(rig.Manifests, "workerpool.yaml"));
        Assert.NotEqual(0, code);
        Assert.Contains("spec.maxWorkers", stderr, StringComparison.Ordinal);
        Assert.Contains("greater than or equal to 0", stderr, StringComparison.Ordinal);

        rig.WriteManifests(("capacity: spot", "capacity: spto"));
        (code, _, stderr) = await rig.Kubectl.TryAsync("apply", "-f", Path.Combine(rig.Manifests, "workerpool.yaml"));
        Assert.NotEqual(0, code);
        Assert.Contains("spec.capacity", stderr, StringComparison.Ordinal);
        Assert.Contains("spto", stderr, StringComparison.Ordinal);
    }
}
