using System.Text.Json;
using Shoal.Aws.Tests.Moto;

namespace Shoal.IntegrationTests.Operator;

/// <summary>
/// The operator end to end, the way its users drive it: `kubectl apply` of the CRDs and the sample
/// JobQueue and WorkerPool against the API emulator, jobs sent with `shoal submit`, the real
/// shoal-operator process on moto (EC2, SQS, DynamoDB, S3) and the SSM double (commands that take time).
/// </summary>
[Collection(OperatorScenarios.Name)]
public sealed class OperatorScenarioTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private static readonly (string, string)[] FastPool = [("idleTimeoutSeconds: 30", "idleTimeoutSeconds: 3")];

    private static string Job(string id, string commands, string? success = "done", int? retry = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["job_id"] = id,
        ["retry"] = retry,
        ["job_success_string"] = success,
        ["commands"] = new[] { commands },
    });

    [Fact]
    public async Task Applied_queue_and_pool_run_submitted_jobs_on_tagged_spot_workers_show_counts_in_kubectl_and_retire_every_worker()
    {
        await using var rig = await OperatorRig.StartAsync(moto);
        rig.WriteManifests(FastPool);
        await rig.Kubectl.RunAsync("apply", "-f", Path.Combine(OperatorRig.RepoRoot(), "config", "crd"));
        await rig.Kubectl.RunAsync("apply", "-f", rig.Manifests);
        rig.StartOperator("replica-a");
        await rig.UntilAsync(async () => await ReadyAsync(rig, "jobqueue", "demo") == "True", "JobQueue demo to be Ready");

        await rig.SubmitAsync(
            Job("ok-1", "sleep 2; echo done"),
            Job("ok-2", "sleep 2; echo done"),
            Job("ok-3", "echo done"),
            Job("ok-4", "echo done && echo more"),
            Job("fails", "echo nope; exit 3", retry: 1));

        Dictionary<string, string>? workerRow = null;
        await rig.UntilAsync(async () =>
        {
            workerRow ??= Columns(await rig.Kubectl.RunAsync("get", "workers")) is { } row && row["PHASE"] == "Running" ? row : null;
            return await AllTerminalAsync(rig, "ok-1", "ok-2", "ok-3", "ok-4", "fails");
        }, "every job to end");
        Assert.True(workerRow is not null, "kubectl get workers never showed a Running worker while jobs ran");
        Assert.Equal(["NAME", "PHASE", "INSTANCE", "TYPE", "JOB", "AGE"], workerRow.Keys);
        Assert.StartsWith("i-", workerRow["INSTANCE"], StringComparison.Ordinal);
        Assert.StartsWith("demo-pool-i-", workerRow["NAME"], StringComparison.Ordinal);
        Assert.Contains(workerRow["JOB"], new[] { "ok-1", "ok-2", "ok-3", "ok-4", "fails" });

        foreach (var id in new[] { "ok-1", "ok-2", "ok-3", "ok-4" })
        {
            var item = (await rig.JobAsync(id))!.Value;
            Assert.Equal("SUCCEEDED", item.GetProperty("status").GetProperty("S").GetString());
            Assert.Equal("1", item.GetProperty("attempts").GetProperty("N").GetString());
        }

        var failed = (await rig.JobAsync("fails"))!.Value;
        Assert.Equal("FAILED", failed.GetProperty("status").GetProperty("S").GetString());
        Assert.Equal("2", failed.GetProperty("attempts").GetProperty("N").GetString());

        // Printer columns: the emulator renders the CRD's columns, kubectl prints them.
        await rig.UntilAsync(async () => Columns(await rig.Kubectl.RunAsync("get", "jobqueues")) is { } row && row["SUCCEEDED"] == "4" && row["FAILED"] == "1", "kubectl get jobqueues to show 4 succeeded and 1 failed");
        var queueRow = Columns(await rig.Kubectl.RunAsync("get", "jq"))!;
        Assert.Equal(["NAME", "READY", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "WORKERS", "AGE"], queueRow.Keys);
        Assert.Equal(("demo", "True", "0", "0"), (queueRow["NAME"], queueRow["READY"], queueRow["QUEUED"], queueRow["RUNNING"]));

        var yaml = await rig.Kubectl.RunAsync("get", "jq", "demo", "-o", "yaml");
        Assert.Contains("observedGeneration: 1", yaml, StringComparison.Ordinal);
        Assert.Contains("reason: Provisioned", yaml, StringComparison.Ordinal);
        Assert.Contains("tableName: demo-job-monitoring", yaml, StringComparison.Ordinal);

        // Idle workers retire: their Worker CRs go, and their finalizers terminate the instances.
        await rig.UntilAsync(async () => (await rig.Kubectl.RunAsync("get", "workers", "--no-headers")).Length == 0
            && (await rig.InstancesAsync()).All(i => i.GetProperty("State").GetProperty("Name").GetString() is "terminated" or "shutting-down"), "every worker to retire and its instance to terminate");
        var instances = await rig.InstancesAsync();
        Assert.NotEmpty(instances);
        Assert.All(instances, i =>
        {
            Assert.Equal("spot", i.GetProperty("InstanceLifecycle").GetString());
            var tags = i.GetProperty("Tags").EnumerateArray().ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString());
            Assert.Equal("demo-pool", tags["shoal.dev/pool"]);
            Assert.Equal("shoal-operator", tags["shoal.dev/owner"]);
        });

        var poolRow = Columns(await rig.Kubectl.RunAsync("get", "workerpools"))!;
        Assert.Equal(["NAME", "READY", "DESIRED", "READY-WORKERS", "BUSY", "AGE"], poolRow.Keys);
        Assert.Equal(("demo-pool", "True", "0"), (poolRow["NAME"], poolRow["READY"], poolRow["BUSY"]));

        await AssertIamPolicyCoversEveryRecordedCallAsync(rig);

        // Deleting the pool goes through its finalizer and the CR goes away.
        await rig.Kubectl.RunAsync("delete", "workerpool", "demo-pool", "--timeout=60s");
        var (code, _, stderr) = await rig.Kubectl.TryAsync("get", "workerpool", "demo-pool");
        Assert.NotEqual(0, code);
        Assert.Contains("NotFound", stderr, StringComparison.Ordinal);

        AssertRbacCoversExactlyWhatWasUsed(rig);
    }

    // Every AWS request the operator made in this run (counted at the SDK's HTTP handler, exported on
    // /metrics) is allowed by config/iam/operator-policy.json. The other direction, that the policy grants
    // nothing the code never calls, is checked statically in Shoal.Deploy.Tests.
    private static async Task AssertIamPolicyCoversEveryRecordedCallAsync(OperatorRig rig)
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(rig.MetricsAddress!, "/metrics"));
        var recorded = metrics.Split('\n')
            .Where(l => l.StartsWith("shoal_aws_requests_total{", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, "service=\"([^\"]+)\",operation=\"([^\"]+)\""))
            .Where(m => m.Success)
            .Select(m => $"{m.Groups[1].Value}.{m.Groups[2].Value}")
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("EC2.CreateFleet", recorded);
        Assert.Contains("SSM.SendCommand", recorded);

        var root = OperatorRig.RepoRoot();
        var policy = Shoal.Deploy.Tests.Iam.IamPolicy.Actions(Path.Combine(root, "config", "iam", "operator-policy.json"));
        var kinds = Shoal.Deploy.Tests.Iam.AwsSdkCallScanner.TransactionItemKinds(Path.Combine(root, "src", "Shoal.Aws"), Path.Combine(root, "src", "Shoal.Operator"));
        var missing = recorded
            .Where(key => !Shoal.Deploy.Tests.Iam.SdkActionMap.ForRecorded(key, kinds).Any(policy.Contains))
            .ToList();
        Assert.True(missing.Count == 0, $"AWS calls the operator made that config/iam/operator-policy.json does not allow: {string.Join(", ", missing)}");
    }

    // config/rbac/role.yaml (which the chart's test keeps equal to the chart) grants every request this run
    // made, and nothing this run did not make except the rules listed here with the reason no run shows them.
    private static void AssertRbacCoversExactlyWhatWasUsed(OperatorRig rig)
    {
        var notExercised = new Dictionary<string, string>
        {
            [RbacRules.Key("shoal.dev", "workerpools/finalizers", "update")] = "never requested; OwnerReferencesPermissionEnforcement requires it for blockOwnerDeletion on Workers",
            [RbacRules.Key("core", "events", "patch")] = "only when the same event repeats within the recorder's aggregation window",
        };
        var granted = RbacRules.Granted(Path.Combine(OperatorRig.RepoRoot(), "config", "rbac", "role.yaml"));
        var used = RbacRules.Used(rig.Api!.Requests);

        Assert.True(used.IsSubsetOf(granted), $"requests the role does not grant: {string.Join("; ", used.Except(granted))}");
        var unused = granted.Except(used).Except(notExercised.Keys).ToList();
        Assert.True(unused.Count == 0, $"granted but never used: {string.Join("; ", unused)}");
    }

    [Fact]
    public async Task Operator_killed_mid_run_and_started_again_ends_every_job_exactly_once_and_leaks_no_instance()
    {
        await using var rig = await OperatorRig.StartAsync(moto);
        rig.WriteManifests(FastPool);
        await rig.Kubectl.RunAsync("apply", "-f", Path.Combine(OperatorRig.RepoRoot(), "config", "crd"));
        await rig.Kubectl.RunAsync("apply", "-f", rig.Manifests);
        var first = rig.StartOperator("replica-a");
        await rig.UntilAsync(async () => await ReadyAsync(rig, "jobqueue", "demo") == "True", "JobQueue demo to be Ready");
        var ids = Enumerable.Range(1, 6).Select(i => $"long-{i}").ToArray();
        await rig.SubmitAsync([.. ids.Select(id => Job(id, "sleep 8; echo done"))]);

        await rig.UntilAsync(async () => await CountRunningAsync(rig, ids) >= 2, "at least two jobs to be running");
        first.Kill();

        rig.StartOperator("replica-b");
        await rig.UntilAsync(() => AllTerminalAsync(rig, ids), "every job to end after the restart", TimeSpan.FromMinutes(3));

        foreach (var id in ids)
        {
            var item = (await rig.JobAsync(id))!.Value;
            Assert.Equal("SUCCEEDED", item.GetProperty("status").GetProperty("S").GetString());
            Assert.Equal("1", item.GetProperty("attempts").GetProperty("N").GetString());
        }

        // Each job's command was sent once: the new leader re-attached to the running ones.
        Assert.Equal(ids.Length, rig.Ssm.Commands.Count);

        await rig.UntilAsync(async () => (await rig.Kubectl.RunAsync("get", "workers", "--no-headers")).Length == 0
            && (await rig.InstancesAsync()).All(i => i.GetProperty("State").GetProperty("Name").GetString() is "terminated" or "shutting-down"), "no instance left running");
    }

    [Fact]
    public async Task Deleting_a_pool_with_live_workers_terminates_their_instances_through_the_Worker_finalizers()
    {
        await using var rig = await OperatorRig.StartAsync(moto);
        rig.WriteManifests(("minWorkers: 0", "minWorkers: 2"));
        await rig.Kubectl.RunAsync("apply", "-f", Path.Combine(OperatorRig.RepoRoot(), "config", "crd"));
        await rig.Kubectl.RunAsync("apply", "-f", rig.Manifests);
        rig.StartOperator("replica-a");
        await rig.UntilAsync(async () => (await rig.Kubectl.RunAsync("get", "workers", "--no-headers")).Split('\n').Count(l => l.Contains("Idle", StringComparison.Ordinal)) == 2, "the pool's two minimum workers to be Idle");
        var running = (await rig.InstancesAsync()).Count(i => i.GetProperty("State").GetProperty("Name").GetString() == "running");
        Assert.Equal(2, running);

        await rig.Kubectl.RunAsync("delete", "workerpool", "demo-pool", "--timeout=60s");

        Assert.Equal("", await rig.Kubectl.RunAsync("get", "workers", "--no-headers", "--ignore-not-found"));
        Assert.All(await rig.InstancesAsync(), i => Assert.Contains(i.GetProperty("State").GetProperty("Name").GetString(), new[] { "terminated", "shutting-down" }));
        var events = await rig.Kubectl.RunAsync("get", "events");
        Assert.Contains("Terminated", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_instance_launched_elsewhere_with_the_adoption_tag_becomes_an_adopted_Worker_and_is_terminated_when_idle()
    {
        await using var rig = await OperatorRig.StartAsync(moto);
        rig.WriteManifests([.. FastPool, ("  jobsPerWorker: 1", "  jobsPerWorker: 1\n  adoptionTagKey: shoal-queue")]);
        var outsider = await rig.Aws.RunAsync("ec2", "run-instances", "--image-id", "ami-12c6146b", "--count", "1", "--instance-type", "t3.micro",
            "--tag-specifications", "ResourceType=instance,Tags=[{Key=shoal-queue,Value=demo-job-queue}]", "--query", "Instances[0].InstanceId", "--output", "text");
        await rig.Kubectl.RunAsync("apply", "-f", Path.Combine(OperatorRig.RepoRoot(), "config", "crd"));
        await rig.Kubectl.RunAsync("apply", "-f", rig.Manifests);
        rig.StartOperator("replica-a");

        var name = $"demo-pool-{outsider}";
        await rig.UntilAsync(async () => (await rig.Kubectl.TryAsync("get", "worker", name)).ExitCode == 0, $"Worker {name} for the tagged instance");
        Assert.Equal("true", await rig.Kubectl.RunAsync("get", "worker", name, "-o", "jsonpath={.spec.adopted}"));

        await rig.SubmitAsync(Job("on-any", "echo done"));
        await rig.UntilAsync(() => AllTerminalAsync(rig, "on-any"), "the job to end");
        await rig.UntilAsync(async () => (await rig.InstancesAsync()).Single(i => i.GetProperty("InstanceId").GetString() == outsider).GetProperty("State").GetProperty("Name").GetString() is "terminated" or "shutting-down", "the adopted instance to be terminated once idle");
        Assert.Equal("", await rig.Kubectl.RunAsync("get", "worker", name, "--ignore-not-found"));
    }

    [Fact]
    public async Task Deleting_a_JobQueue_with_deletion_policy_Delete_removes_its_queues_and_table_through_its_finalizer()
    {
        await using var rig = await OperatorRig.StartAsync(moto);
        rig.WriteManifests(("deletionPolicy: Retain", "deletionPolicy: Delete"));
        await rig.Kubectl.RunAsync("apply", "-f", Path.Combine(OperatorRig.RepoRoot(), "config", "crd"));
        await rig.Kubectl.RunAsync("apply", "-f", Path.Combine(rig.Manifests, "jobqueue.yaml"));
        rig.StartOperator("replica-a");
        await rig.UntilAsync(async () => await ReadyAsync(rig, "jobqueue", "demo") == "True", "JobQueue demo to be Ready");
        Assert.Contains("demo-job-monitoring", await rig.Aws.RunAsync("dynamodb", "list-tables"), StringComparison.Ordinal);
        Assert.Contains("demo-job-queue-dead-letter", await rig.Aws.RunAsync("sqs", "list-queues"), StringComparison.Ordinal);

        await rig.Kubectl.RunAsync("delete", "jobqueue", "demo", "--timeout=60s");

        Assert.DoesNotContain("demo-job-monitoring", await rig.Aws.RunAsync("dynamodb", "list-tables"), StringComparison.Ordinal);
        Assert.DoesNotContain("demo-job-queue", await rig.Aws.RunAsync("sqs", "list-queues"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operator_refuses_to_start_on_bad_settings_with_what_to_do()
    {
        await using var rig = await OperatorRig.StartAsync(moto);
        var noRegion = rig.AwsEnvironment.Where(e => e.Key is not ("AWS_REGION" or "AWS_DEFAULT_REGION")).ToDictionary(e => e.Key, e => e.Value);
        using (var op = OperatorProcess.Start(noRegion, "--kubeconfig", rig.Kubeconfig, "--metrics-address", "http://127.0.0.1:0"))
        {
            Assert.Equal(2, await op.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("no AWS region: set AWS_REGION", op.Log, StringComparison.Ordinal);
        }

        var unreachable = rig.Temp.File("unreachable-kubeconfig", File.ReadAllText(rig.Kubeconfig).Replace(rig.Api!.BaseAddress.ToString().TrimEnd('/'), "http://127.0.0.1:9", StringComparison.Ordinal));
        using (var op = OperatorProcess.Start(new Dictionary<string, string>(rig.AwsEnvironment), "--kubeconfig", unreachable, "--metrics-address", "http://127.0.0.1:0"))
        {
            Assert.Equal(2, await op.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("cannot reach the Kubernetes API at http://127.0.0.1:9", op.Log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Invalid_WorkerPools_are_refused_by_kubectl_apply_with_the_schema_error()
    {
        await using var rig = await OperatorRig.StartAsync(moto);
        await rig.Kubectl.RunAsync("apply", "-f", Path.Combine(OperatorRig.RepoRoot(), "config", "crd"));

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

    private static async Task<string?> ReadyAsync(OperatorRig rig, string kind, string name)
    {
        var (code, stdout, _) = await rig.Kubectl.TryAsync("get", kind, name, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
        return code == 0 ? stdout : null;
    }

    private static async Task<bool> AllTerminalAsync(OperatorRig rig, params string[] ids)
    {
        foreach (var id in ids)
        {
            var item = await rig.JobAsync(id);
            if (item?.GetProperty("status").GetProperty("S").GetString() is not ("SUCCEEDED" or "FAILED"))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<int> CountRunningAsync(OperatorRig rig, string[] ids)
    {
        var running = 0;
        foreach (var id in ids)
        {
            if ((await rig.JobAsync(id))?.GetProperty("status").GetProperty("S").GetString() == "RUNNING")
            {
                running++;
            }
        }

        return running;
    }

    // The first data row of `kubectl get` as column → cell.
    private static Dictionary<string, string>? Columns(string table)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2)
        {
            return null;
        }

        var headers = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var cells = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return headers.Length == cells.Length ? headers.Zip(cells).ToDictionary(p => p.First, p => p.Second) : null;
    }
}
