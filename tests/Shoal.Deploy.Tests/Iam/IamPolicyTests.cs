using System.Text.Json.Nodes;
using Shoal.Api.V1Alpha1;
using Shoal.Aws.Fleet;
using Shoal.Aws.Ledger;
using Shoal.Aws.Queue;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Iam;

public sealed class IamPolicyTests
{
    private static readonly string OperatorPolicy = RepoPaths.Of("config", "iam", "operator-policy.json");
    private static readonly string WorkerPolicy = RepoPaths.Of("config", "iam", "worker-policy.json");
    private static readonly string[] OperatorSource = [RepoPaths.Of("src", "Shoal.Aws"), RepoPaths.Of("src", "Shoal.Operator")];

    // The queues Shoal creates for a JobQueue, beyond the job queue itself; QueueResources deletes these.
    private static readonly string[] OwnQueueSuffixes = ["-ingest", "-interruptions", "-command-events"];

    [Fact]
    public void The_operator_policy_allows_exactly_the_actions_the_code_calls()
    {
        var needed = NeededActions();
        var granted = IamPolicy.Actions(OperatorPolicy);

        var missing = needed.Where(a => !granted.Contains(a.Key)).Select(a => $"{a.Key} (called as {string.Join(", ", a.Value)})");
        var unused = granted.Where(a => !needed.ContainsKey(a));
        Assert.True(!missing.Any() && !unused.Any(),
            $"config/iam/operator-policy.json is out of step with src/Shoal.Aws.\nMissing: {string.Join("; ", missing)}\nGranted but never called: {string.Join(", ", unused)}");
    }

    [Fact]
    public void The_scanner_sees_calls_on_SDK_clients_and_not_on_Shoals_own_interfaces()
    {
        const string source = """
            public sealed class A(IAmazonSQS sqs, ISqsApi api, AwsClients clients)
            {
                async Task Run()
                {
                    await sqs.DeleteMessageBatchAsync(request, ct);
                    await api.CreateQueueAsync("q", attributes, ct);
                    await clients.S3.PutBucketAsync("b", ct);
                    await clients.DynamoDb.DeleteTableAsync(new DeleteTableRequest(), ct);
                    await Other.ThingAsync();
                }
            }
            """;

        var calls = AwsSdkCallScanner.Scan(source, "A.cs").Select(c => $"{c.Service}:{c.Operation}");

        Assert.Equal(["sqs:DeleteMessageBatch", "s3:PutBucket", "dynamodb:DeleteTable"], calls);
    }

    [Fact]
    public void The_scanner_finds_the_calls_this_policy_depends_on_in_the_real_source()
    {
        // Guards the scanner against a refactor that hides calls from it (and so empties both sides).
        var calls = AwsSdkCallScanner.ScanDirectories(OperatorSource).Select(c => $"{c.Service}:{c.Operation}").ToHashSet(StringComparer.Ordinal);

        Assert.Superset(new HashSet<string>(["ec2:CreateFleet", "ec2:TerminateInstances", "sqs:ReceiveMessage", "dynamodb:TransactWriteItems", "ssm:SendCommand", "s3:GetObject"], StringComparer.Ordinal), calls);
    }

    [Fact]
    public void Transactions_are_authorized_item_by_item()
    {
        var kinds = new HashSet<string>(["Put", "Update"], StringComparer.Ordinal);

        Assert.Equal(
            ["dynamodb:PutItem", "dynamodb:UpdateItem"],
            SdkActionMap.ActionsFor(new SdkCall("dynamodb", "TransactWriteItems", "L.cs"), kinds).Order(StringComparer.Ordinal));
        Assert.Throws<InvalidOperationException>(() => SdkActionMap.ActionsFor(new SdkCall("dynamodb", "TransactWriteItems", "L.cs"), new HashSet<string>()));
    }

    [Fact]
    public void Launching_a_fleet_needs_RunInstances_CreateTags_and_PassRole()
    {
        var actions = SdkActionMap.ActionsFor(new SdkCall("ec2", "CreateFleet", "F.cs"), new HashSet<string>());

        Assert.Superset(new HashSet<string>(["ec2:RunInstances", "ec2:CreateTags", "iam:PassRole"], StringComparer.OrdinalIgnoreCase), actions.ToHashSet(StringComparer.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("EC2.CreateFleet", "ec2:CreateFleet ec2:CreateTags ec2:RunInstances iam:PassRole")]
    [InlineData("SQS.DeleteMessageBatch", "sqs:DeleteMessage")]
    [InlineData("DynamoDB.TransactWriteItems", "dynamodb:PutItem")]
    [InlineData("SSM.GetCommandInvocation", "ssm:GetCommandInvocation")]
    [InlineData("S3.GETObject", "s3:GetObject")]
    [InlineData("S3.PUTBucket", "s3:CreateBucket s3:PutBucketNotification")]
    [InlineData("S3.ListObjectsV2", "s3:ListBucket")]
    public void Operations_recorded_at_run_time_map_to_the_same_actions(string counterKey, string actions)
    {
        var mapped = SdkActionMap.ForRecorded(counterKey, new HashSet<string>(["Put"], StringComparer.Ordinal));

        Assert.Equal(actions.Split(' '), mapped.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_recorded_key_from_another_service_is_refused_with_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => SdkActionMap.ForRecorded("Lambda.Invoke", new HashSet<string>()));

        Assert.Contains("EC2, SQS, DynamoDB, SSM, S3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Actions_reads_single_and_listed_actions_and_only_Allow_statements()
    {
        var path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
              {"Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:CreateTags"], "Resource": "*"},
              {"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*"}]}
            """);
        try
        {
            Assert.Equal(["ec2:CreateTags", "ec2:RunInstances", "sqs:SendMessage"], IamPolicy.Actions(path).Order(StringComparer.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_NotAction_statement_is_refused_because_its_actions_cannot_be_listed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}""");
        try
        {
            var error = Assert.Throws<NotSupportedException>(() => IamPolicy.Actions(path));
            Assert.Contains("NotAction", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Queue_permissions_cover_every_queue_Shoal_names_for_a_JobQueue()
    {
        var queue = "nightly" + WellKnown.QueueNameSuffix;
        string[] names = [queue, queue + SqsQueueProvisioner.DeadLetterSuffix, queue + SqsQueueProvisioner.FinishedSuffix, .. OwnQueueSuffixes.Select(s => queue + s)];
        var hosting = string.Concat(Directory.GetFiles(RepoPaths.Of("src", "Shoal.Aws", "Hosting"), "*.cs").Select(File.ReadAllText));

        Assert.All(OwnQueueSuffixes, s => Assert.Contains($"\"{s}\"", hosting, StringComparison.Ordinal));
        Assert.All(names, name => Assert.True(Allows(OperatorPolicy, "sqs:ReceiveMessage", $"arn:aws:sqs:us-east-1:111122223333:{name}"), $"sqs:ReceiveMessage on {name}"));
        Assert.False(Allows(OperatorPolicy, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:111122223333:someone-elses-queue"));
    }

    [Fact]
    public void Table_permissions_cover_the_job_table_and_its_status_index_only()
    {
        var table = "arn:aws:dynamodb:us-east-1:111122223333:table/nightly" + WellKnown.TableNameSuffix;

        Assert.True(Allows(OperatorPolicy, "dynamodb:UpdateItem", table));
        Assert.True(Allows(OperatorPolicy, "dynamodb:Query", $"{table}/index/{DynamoLedgerSchema.StatusIndexName}"));
        Assert.False(Allows(OperatorPolicy, "dynamodb:UpdateItem", "arn:aws:dynamodb:us-east-1:111122223333:table/orders"));
    }

    [Fact]
    public void Instances_are_terminated_and_commanded_only_when_they_carry_this_operators_owner_tag()
    {
        var owner = Yaml.LoadFile("charts", "shoal", "values.yaml")!["aws"]!["ownerId"]!.GetValue<string>();
        var statements = IamPolicy.Statements(OperatorPolicy);

        var terminate = statements.Single(s => s.Actions.Contains("ec2:TerminateInstances"));
        Assert.Equal(owner, terminate.Condition?["StringEquals"]?[$"ec2:ResourceTag/{Ec2Tags.Owner}"]?.GetValue<string>());
        var command = statements.Single(s => s.Actions.Contains("ssm:SendCommand") && s.Resources.Any(r => r.Contains(":instance/", StringComparison.Ordinal)));
        Assert.Equal(owner, command.Condition?["StringEquals"]?[$"ssm:resourceTag/{Ec2Tags.Owner}"]?.GetValue<string>());
        var template = statements.Single(s => s.Actions.Contains("ec2:CreateLaunchTemplate"));
        Assert.Equal(owner, template.Condition?["StringEquals"]?[$"aws:RequestTag/{Ec2Tags.Owner}"]?.GetValue<string>());
    }

    [Fact]
    public void Tags_are_only_written_while_Shoal_creates_something()
    {
        var tags = IamPolicy.Statements(OperatorPolicy).Single(s => s.Actions.Contains("ec2:CreateTags"));

        Assert.Equal(
            ["CreateFleet", "CreateLaunchTemplate", "RunInstances"],
            tags.Condition!["StringEquals"]!["ec2:CreateAction"]!.AsArray().Select(a => a!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Only_actions_without_resource_level_permissions_get_every_resource()
    {
        // EC2 Describe* and SSM's command-id calls take no resource ARN; a fleet launch touches resources
        // (fleet, spot request, network interface) that Shoal neither names nor tags.
        var unscoped = IamPolicy.Statements(OperatorPolicy).Where(s => s.Resources.Contains("*")).SelectMany(s => s.Actions);

        Assert.Equal(
            ["ec2:CreateFleet", "ec2:DescribeInstances", "ec2:DescribeLaunchTemplates", "ec2:DescribeSubnets", "ec2:RunInstances", "ssm:CancelCommand", "ssm:GetCommandInvocation", "ssm:ListCommands"],
            unscoped.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_sample_JobQueues_buckets_are_covered_for_the_operator_and_the_workers()
    {
        var sample = Yaml.LoadFile("config", "samples", "aws", "jobqueue.yaml")!;
        var bucket = sample["spec"]!["ingest"]!["bucket"]!.GetValue<string>();

        Assert.True(Allows(OperatorPolicy, "s3:PutBucketNotification", $"arn:aws:s3:::{bucket}"));
        Assert.True(Allows(OperatorPolicy, "s3:GetObject", $"arn:aws:s3:::{bucket}/jobs/job-1/stdout"));
        Assert.True(Allows(WorkerPolicy, "s3:ListBucket", $"arn:aws:s3:::{bucket}"));
        Assert.True(Allows(WorkerPolicy, "s3:GetObject", $"arn:aws:s3:::{bucket}/jobs/job-1/run.sh"));
        Assert.True(Allows(WorkerPolicy, "s3:PutObject", $"arn:aws:s3:::{bucket}/jobs/job-1/result.txt"));
    }

    [Fact]
    public void The_worker_policy_lets_the_SSM_agent_run_commands_and_upload_output()
    {
        var actions = IamPolicy.Actions(WorkerPolicy);

        Assert.Superset(
            new HashSet<string>(["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ec2messages:GetMessages", "ec2messages:SendReply", "s3:PutObject", "s3:GetEncryptionConfiguration"], StringComparer.OrdinalIgnoreCase),
            actions.ToHashSet(StringComparer.OrdinalIgnoreCase));
        Assert.All(IamPolicy.Statements(WorkerPolicy).Where(s => s.Actions.Any(a => a.StartsWith("s3:", StringComparison.Ordinal))),
            s => Assert.DoesNotContain("*", s.Resources));
    }

    [Fact]
    public void No_policy_grants_a_wildcard_action()
    {
        Assert.DoesNotContain(IamPolicy.Actions(OperatorPolicy).Concat(IamPolicy.Actions(WorkerPolicy)), a => a.Contains('*', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("worker-trust-policy.json", "Service", "ec2.amazonaws.com", "sts:AssumeRole")]
    [InlineData("operator-trust-pod-identity.json", "Service", "pods.eks.amazonaws.com", "sts:AssumeRole")]
    [InlineData("operator-trust-irsa.json", "Federated", "arn:aws:iam::ACCOUNT_ID:oidc-provider/OIDC_PROVIDER", "sts:AssumeRoleWithWebIdentity")]
    public void Trust_policies_name_who_may_assume_the_role(string file, string principalKind, string principal, string action)
    {
        var statement = JsonNode.Parse(RepoPaths.Read("config", "iam", file))!["Statement"]![0]!;

        Assert.Equal(principal, statement["Principal"]![principalKind]!.GetValue<string>());
        Assert.Contains(action, IamPolicy.Statements(RepoPaths.Of("config", "iam", file))[0].Actions);
    }

    [Fact]
    public void The_IRSA_trust_policy_names_the_charts_default_ServiceAccount()
    {
        var subject = JsonNode.Parse(RepoPaths.Read("config", "iam", "operator-trust-irsa.json"))!["Statement"]![0]!["Condition"]!["StringEquals"]!["OIDC_PROVIDER:sub"]!.GetValue<string>();
        var app = Yaml.LoadFile("config", "argocd", "application.yaml")!["spec"]!;

        // The chart names its ServiceAccount after the release ("shoal"), installed in the Application's namespace.
        Assert.Equal($"system:serviceaccount:{app["destination"]!["namespace"]!.GetValue<string>()}:{app["source"]!["helm"]!["releaseName"]!.GetValue<string>()}", subject);
    }

    // Action -> the source files that call it.
    private static Dictionary<string, SortedSet<string>> NeededActions()
    {
        var kinds = AwsSdkCallScanner.TransactionItemKinds(OperatorSource);
        var needed = new Dictionary<string, SortedSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var call in AwsSdkCallScanner.ScanDirectories(OperatorSource))
        {
            foreach (var action in SdkActionMap.ActionsFor(call, kinds))
            {
                if (!needed.TryGetValue(action, out var files))
                {
                    needed[action] = files = new SortedSet<string>(StringComparer.Ordinal);
                }

                files.Add($"{call.Operation} in {call.File}");
            }
        }

        return needed;
    }

    private static bool Allows(string policy, string action, string resource) =>
        IamPolicy.Statements(policy).Any(s => s.Effect == "Allow"
            && s.Actions.Any(a => IamGlob.Matches(a, action))
            && s.Resources.Any(r => IamGlob.Matches(r, resource)));
}
