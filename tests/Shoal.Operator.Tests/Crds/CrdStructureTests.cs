using System.Text.Json.Nodes;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Crds;

namespace Shoal.Operator.Tests.Crds;

public sealed class CrdStructureTests
{
    public static TheoryData<Type> Kinds() => [typeof(JobQueue), typeof(WorkerPool), typeof(Worker)];

    [Theory]
    [InlineData(typeof(JobQueue), "jobqueues", "jobqueue", "JobQueue", "JobQueueList", "jq")]
    [InlineData(typeof(WorkerPool), "workerpools", "workerpool", "WorkerPool", "WorkerPoolList", "wp")]
    [InlineData(typeof(Worker), "workers", "worker", "Worker", "WorkerList", "wk")]
    public void NamesScopeAndVersionFollowDesign(Type type, string plural, string singular, string kind, string listKind, string shortName)
    {
        var crd = CrdGenerator.Definition(type);

        Assert.Equal("apiextensions.k8s.io/v1", (string?)crd["apiVersion"]);
        Assert.Equal("CustomResourceDefinition", (string?)crd["kind"]);
        Assert.Equal($"{plural}.shoal.dev", (string?)crd["metadata"]!["name"]);
        var spec = crd["spec"]!;
        Assert.Equal("shoal.dev", (string?)spec["group"]);
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        var names = spec["names"]!;
        Assert.Equal(kind, (string?)names["kind"]);
        Assert.Equal(listKind, (string?)names["listKind"]);
        Assert.Equal(plural, (string?)names["plural"]);
        Assert.Equal(singular, (string?)names["singular"]);
        Assert.Equal([shortName], names["shortNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["shoal"], names["categories"]!.AsArray().Select(n => (string?)n));

        var version = Assert.Single(spec["versions"]!.AsArray())!;
        Assert.Equal("v1alpha1", (string?)version["name"]);
        Assert.True((bool)version["served"]!);
        Assert.True((bool)version["storage"]!);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["status"] = new JsonObject() }, version["subresources"]));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SchemaIsStructural(Type type)
    {
        var schema = Schema(type);
        var problems = new List<string>();
        Walk(schema, "", problems);

        Assert.Empty(problems);
        Assert.Equal("object", (string?)schema["type"]);
        // metadata is the API server's: a bare object, or the CRD is rejected.
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["type"] = "object" }, schema["properties"]!["metadata"]));
        Assert.NotNull(schema["properties"]!["spec"]);
        Assert.NotNull(schema["properties"]!["status"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EverySpecAndStatusFieldIsDescribedForKubectlExplain(Type type)
    {
        var schema = Schema(type);
        var undescribed = new List<string>();
        foreach (var part in new[] { "spec", "status" })
            Described((JsonObject)schema["properties"]![part]!, part, undescribed);

        Assert.Empty(undescribed);
        Assert.False(string.IsNullOrWhiteSpace((string?)schema["description"]));
    }

    [Fact]
    public void WorkerPoolCountsAndEnumsMatchTheManifestChecks()
    {
        var spec = Schema(typeof(WorkerPool))["properties"]!["spec"]!["properties"]!;

        Assert.Equal(0, (long)spec["maxWorkers"]!["minimum"]!);
        Assert.Equal(0, (long)spec["minWorkers"]!["minimum"]!);
        Assert.Equal(1, (long)spec["jobsPerWorker"]!["minimum"]!);
        Assert.Equal(1, (long)spec["idleTimeoutSeconds"]!["minimum"]!);
        Assert.Null(spec["maxWorkers"]!["maximum"]);
        Assert.Equal(CapacityTypes.All, spec["capacity"]!["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(AllocationStrategies.All, spec["allocationStrategy"]!["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(Platforms.All, spec["platform"]!["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["jobQueueRef"], Schema(typeof(WorkerPool))["properties"]!["spec"]!["required"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(Patterns.DnsLabel, (string?)spec["jobQueueRef"]!["properties"]!["name"]!["pattern"]);
    }

    [Fact]
    public void JobQueueBoundsMatchTheManifestChecks()
    {
        var spec = Schema(typeof(JobQueue))["properties"]!["spec"]!["properties"]!;

        Assert.Equal(1, (long)spec["deadLetter"]!["properties"]!["maxReceiveCount"]!["minimum"]!);
        Assert.Equal(1000, (long)spec["deadLetter"]!["properties"]!["maxReceiveCount"]!["maximum"]!);
        Assert.Equal(0, (long)spec["jobDefaults"]!["properties"]!["retry"]!["minimum"]!);
        Assert.Equal(1, (long)spec["jobDefaults"]!["properties"]!["timeoutSeconds"]!["minimum"]!);
        Assert.Equal(0, (long)spec["maxInterruptions"]!["minimum"]!);
        Assert.Equal(1, (long)spec["leaseSeconds"]!["minimum"]!);
        Assert.Equal(1, (long)spec["retention"]!["properties"]!["days"]!["minimum"]!);
        Assert.Equal(DeletionPolicies.All, spec["deletionPolicy"]!["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(Patterns.SqsQueueName, (string?)spec["queueName"]!["pattern"]);
        Assert.Equal(Patterns.DynamoTableName, (string?)spec["tableName"]!["pattern"]);
        Assert.Equal(["bucket"], spec["output"]!["required"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public void CrossFieldRulesAreCelValidationsWithMessages()
    {
        var spec = (JsonObject)Schema(typeof(WorkerPool))["properties"]!["spec"]!;
        var template = (JsonObject)spec["properties"]!["template"]!;
        var ingest = (JsonObject)Schema(typeof(JobQueue))["properties"]!["spec"]!["properties"]!["ingest"]!;

        var minMax = Assert.Single(Rules(spec));
        Assert.Equal("self.minWorkers <= self.maxWorkers", (string?)minMax["rule"]);
        Assert.Equal(".minWorkers", (string?)minMax["fieldPath"]);
        Assert.Contains("maxWorkers", (string?)minMax["message"]);

        var ami = Assert.Single(Rules(template), r => ((string?)r["rule"])!.Contains("amiParameter", StringComparison.Ordinal));
        Assert.Equal("!(has(self.ami) && has(self.amiParameter))", (string?)ami["rule"]);
        Assert.Contains("not both", (string?)ami["message"]);
        Assert.Single(Rules(template), r => (string?)r["rule"] == "!(has(self.instanceTypes) && has(self.instanceRequirements))");
        Assert.Single(Rules(ingest), r => (string?)r["rule"] == "has(self.bucket) || has(self.localPath)");
    }

    [Theory]
    [InlineData(typeof(JobQueue), new[]
    {
        "Ready|string|.status.conditions[?(@.type==\"Ready\")].status",
        "Queued|integer|.status.counts.queued",
        "Running|integer|.status.counts.running",
        "Succeeded|integer|.status.counts.succeeded",
        "Failed|integer|.status.counts.failed",
        "Workers|integer|.status.workers",
        "Age|date|.metadata.creationTimestamp",
    })]
    [InlineData(typeof(WorkerPool), new[]
    {
        "Ready|string|.status.conditions[?(@.type==\"Ready\")].status",
        "Desired|integer|.status.desired",
        "Ready-Workers|integer|.status.ready",
        "Busy|integer|.status.busy",
        "Age|date|.metadata.creationTimestamp",
    })]
    [InlineData(typeof(Worker), new[]
    {
        "Phase|string|.status.phase",
        "Instance|string|.status.instanceId",
        "Type|string|.status.instanceType",
        "Job|string|.status.currentJob",
        "Age|date|.metadata.creationTimestamp",
    })]
    public void PrinterColumnsAreTheDesignedOnesInOrder(Type type, string[] expected)
    {
        var columns = CrdGenerator.Definition(type)["spec"]!["versions"]![0]!["additionalPrinterColumns"]!.AsArray();

        Assert.Equal(expected, columns.Select(c => $"{c!["name"]}|{c["type"]}|{c["jsonPath"]}"));
        Assert.All(columns, c => Assert.Null(c!["priority"]));
    }

    [Fact]
    public void DefaultsAreSpecDefaults()
    {
        var queue = Schema(typeof(JobQueue))["properties"]!["spec"]!["properties"]!;
        var pool = Schema(typeof(WorkerPool))["properties"]!["spec"]!["properties"]!;

        Assert.Equal(SpecDefaults.MaxReceiveCount, (int)queue["deadLetter"]!["properties"]!["maxReceiveCount"]!["default"]!);
        Assert.Equal(SpecDefaults.FinishedQueueEnabled, (bool)queue["finishedQueue"]!["properties"]!["enabled"]!["default"]!);
        Assert.Equal(SpecDefaults.Retry, (int)queue["jobDefaults"]!["properties"]!["retry"]!["default"]!);
        Assert.Equal(SpecDefaults.Platform, (string?)queue["jobDefaults"]!["properties"]!["platform"]!["default"]);
        Assert.Equal(SpecDefaults.MaxInterruptions, (int)queue["maxInterruptions"]!["default"]!);
        Assert.Equal(SpecDefaults.LeaseSeconds, (int)queue["leaseSeconds"]!["default"]!);
        Assert.Equal(SpecDefaults.ExecutableSuffix, (string?)queue["ingest"]!["properties"]!["executableSuffix"]!["default"]);
        Assert.Equal(SpecDefaults.RetentionDays, (int)queue["retention"]!["properties"]!["days"]!["default"]!);
        Assert.Equal(SpecDefaults.DeletionPolicy, (string?)queue["deletionPolicy"]!["default"]);
        Assert.Equal(SpecDefaults.OutputPrefix, (string?)queue["output"]!["properties"]!["prefix"]!["default"]);
        Assert.Equal(SpecDefaults.MinWorkers, (int)pool["minWorkers"]!["default"]!);
        Assert.Equal(SpecDefaults.MaxWorkers, (int)pool["maxWorkers"]!["default"]!);
        Assert.Equal(SpecDefaults.JobsPerWorker, (int)pool["jobsPerWorker"]!["default"]!);
        Assert.Equal(SpecDefaults.IdleTimeoutSeconds, (int)pool["idleTimeoutSeconds"]!["default"]!);
        Assert.Equal(SpecDefaults.Capacity, (string?)pool["capacity"]!["default"]);
        Assert.Equal(SpecDefaults.AllocationStrategy, (string?)pool["allocationStrategy"]!["default"]);
    }

    [Fact]
    public void OptionalFieldsAreNullableAndRequiredOnesAreNot()
    {
        var pool = Schema(typeof(WorkerPool))["properties"]!["spec"]!["properties"]!;
        var requirements = pool["template"]!["properties"]!["instanceRequirements"]!["properties"]!;

        Assert.True((bool)pool["template"]!["nullable"]!);
        Assert.True((bool)pool["maxJobsPerWorker"]!["nullable"]!);
        Assert.Null(pool["maxWorkers"]!["nullable"]);
        Assert.Null(requirements["vcpuMin"]!["nullable"]);
        Assert.True((bool)requirements["vcpuMax"]!["nullable"]!);
    }

    [Fact]
    public void ConditionsMergeByTypeLikeMetav1Conditions()
    {
        var conditions = Schema(typeof(JobQueue))["properties"]!["status"]!["properties"]!["conditions"]!;

        Assert.Equal("map", (string?)conditions["x-kubernetes-list-type"]);
        Assert.Equal(["type"], conditions["x-kubernetes-list-map-keys"]!.AsArray().Select(k => (string?)k));
        Assert.Equal(
            ["lastTransitionTime", "message", "reason", "status", "type"],
            conditions["items"]!["required"]!.AsArray().Select(k => (string?)k));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void YamlReadsBackAsTheSameDefinition(Type type)
    {
        var generated = CrdGenerator.Generate(type);

        var parsed = Assert.Single(YamlDocuments.Parse(generated.Yaml));

        Assert.True(JsonNode.DeepEquals(generated.Definition, parsed), "the YAML does not read back as the definition it was written from");
        Assert.StartsWith(CrdYaml.Header, generated.Yaml, StringComparison.Ordinal);
    }

    private static JsonObject Schema(Type type) =>
        (JsonObject)CrdGenerator.Definition(type)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

    private static IEnumerable<JsonObject> Rules(JsonObject schema) =>
        (schema["x-kubernetes-validations"] as JsonArray ?? []).Select(r => (JsonObject)r!);

    // The structural-schema rules the API server enforces on a CRD.
    private static void Walk(JsonObject node, string path, List<string> problems)
    {
        var type = (string?)node["type"];
        if (type is null)
            problems.Add($"{path}: no type");
        if (type == "object" && path != ".metadata"
            && node["properties"] is null && node["additionalProperties"] is null && node["x-kubernetes-preserve-unknown-fields"] is null)
            problems.Add($"{path}: object with neither properties nor additionalProperties");
        if (type == "array" && node["items"] is null)
            problems.Add($"{path}: array without items");
        foreach (var forbidden in new[] { "$ref", "allOf", "anyOf", "oneOf", "not", "additionalItems" })
        {
            if (node[forbidden] is not null)
                problems.Add($"{path}: uses {forbidden}");
        }
        if (node["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
                Walk((JsonObject)child!, $"{path}.{name}", problems);
        }
        if (node["additionalProperties"] is JsonObject values)
            Walk(values, $"{path}.*", problems);
        if (node["items"] is JsonObject items)
            Walk(items, $"{path}[]", problems);
    }

    private static void Described(JsonObject node, string path, List<string> undescribed)
    {
        if (string.IsNullOrWhiteSpace((string?)node["description"]))
            undescribed.Add(path);
        if (node["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
                Described((JsonObject)child!, $"{path}.{name}", undescribed);
        }
        if (node["items"] is JsonObject { } items && items["properties"] is JsonObject itemProperties)
        {
            foreach (var (name, child) in itemProperties)
                Described((JsonObject)child!, $"{path}[].{name}", undescribed);
        }
    }
}
