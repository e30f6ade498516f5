using System.Text.Json;
using System.Text.Json.Nodes;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Crds;

namespace Shoal.Operator.Tests.Crds;

// The samples are what people apply first; they must pass the CRD's schema and lose nothing in the types.
public sealed class SampleTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Repository.PathOf("config/samples"), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Repository.Root, file));
        return data;
    }

    [Fact]
    public void BothSampleSetsHaveAJobQueueAndAWorkerPool()
    {
        foreach (var set in new[] { "aws", "local" })
        {
            var kinds = Directory.EnumerateFiles(Repository.PathOf($"config/samples/{set}"), "*.yaml")
                .SelectMany(YamlDocuments.Load)
                .Select(d => (string?)d["kind"])
                .Order(StringComparer.Ordinal);
            Assert.Equal(["JobQueue", "WorkerPool"], kinds);
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void SampleConformsToTheGeneratedSchema(string sample)
    {
        foreach (var document in YamlDocuments.Load(Repository.PathOf(sample)))
        {
            var errors = SchemaChecker.Validate(document, SchemaFor(document));
            Assert.True(errors.Count == 0, $"{sample}: {string.Join("; ", errors)}");
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void SampleStillConformsOnceTheApiServerHasDefaultedIt(string sample)
    {
        foreach (var document in YamlDocuments.Load(Repository.PathOf(sample)))
        {
            var schema = SchemaFor(document);
            SchemaChecker.ApplyDefaults(document, schema);

            var errors = SchemaChecker.Validate(document, schema);
            Assert.True(errors.Count == 0, $"{sample} after defaulting: {string.Join("; ", errors)}");
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void SampleRoundTripsThroughTheTypesWithoutLosingAField(string sample)
    {
        foreach (var document in YamlDocuments.Load(Repository.PathOf(sample)))
        {
            var type = CrdGenerator.ResourceTypes.Single(t => t.Name == (string?)document["kind"]);
            var typed = document.Deserialize(type)!;
            var written = JsonSerializer.SerializeToNode(typed, type)!;

            var lost = Leaves(document, []).Where(leaf => !JsonNode.DeepEquals(leaf.Value, At(written, leaf.Path))).Select(leaf => string.Join(".", leaf.Path)).ToList();
            Assert.True(lost.Count == 0, $"{sample}: these fields did not survive System.Text.Json and {type.Name}: {string.Join(", ", lost)}");
        }
    }

    [Theory]
    [InlineData("maxWorkers", "-1", "spec.maxWorkers: Invalid value: -1: should be greater than or equal to 0")]
    [InlineData("capacity", "\"spto\"", "spec.capacity: Unsupported value \"spto\"")]
    [InlineData("maxWorker", "4", "spec.maxWorker: unknown field \"maxWorker\"")]
    [InlineData("jobsPerWorker", "\"one\"", "spec.jobsPerWorker: must be of type integer")]
    public void BrokenWorkerPoolIsRejectedNamingTheField(string field, string json, string expected)
    {
        var pool = YamlDocuments.Load(Repository.PathOf("config/samples/aws/workerpool.yaml")).Single();
        pool["spec"]![field] = JsonNode.Parse(json);

        var errors = SchemaChecker.Validate(pool, SchemaFor(pool));

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void WorkerPoolWithoutAQueueIsRejected()
    {
        var pool = YamlDocuments.Load(Repository.PathOf("config/samples/local/workerpool.yaml")).Single();
        pool["spec"]!.AsObject().Remove("jobQueueRef");

        Assert.Contains("spec.jobQueueRef: Required value", SchemaChecker.Validate(pool, SchemaFor(pool)));
    }

    [Fact]
    public void AnEmptyJobQueueSpecDefaultsToWhatANewJobQueueSpecHolds()
    {
        var queue = new JsonObject { ["apiVersion"] = WellKnown.ApiVersion, ["kind"] = WellKnown.JobQueueKind, ["metadata"] = new JsonObject { ["name"] = "q" } };

        SchemaChecker.ApplyDefaults(queue, SchemaFor(queue));

        Assert.True(
            JsonNode.DeepEquals(JsonSerializer.SerializeToNode(new JobQueueSpec()), queue["spec"]),
            $"the schema defaults an empty spec to {queue["spec"]?.ToJsonString()}, the types to {JsonSerializer.Serialize(new JobQueueSpec())}");
    }

    [Fact]
    public void AMinimalWorkerPoolSpecDefaultsToWhatANewWorkerPoolSpecHolds()
    {
        var pool = JsonNode.Parse("""{"apiVersion":"shoal.dev/v1alpha1","kind":"WorkerPool","metadata":{"name":"p"},"spec":{"jobQueueRef":{"name":"q"}}}""")!;

        SchemaChecker.ApplyDefaults(pool, SchemaFor(pool));

        var expected = JsonSerializer.SerializeToNode(new WorkerPoolSpec { JobQueueRef = new JobQueueReference { Name = "q" } });
        Assert.True(JsonNode.DeepEquals(expected, pool["spec"]), $"schema: {pool["spec"]!.ToJsonString()}, types: {expected!.ToJsonString()}");
    }

    private static JsonObject SchemaFor(JsonNode document)
    {
        Assert.Equal(WellKnown.ApiVersion, (string?)document["apiVersion"]);
        var type = CrdGenerator.ResourceTypes.Single(t => t.Name == (string?)document["kind"]);
        return (JsonObject)CrdGenerator.Definition(type)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
    }

    // Paths as segments: label keys such as app.kubernetes.io/part-of contain both '.' and '/'.
    private static IEnumerable<(IReadOnlyList<string> Path, JsonNode? Value)> Leaves(JsonNode? node, IReadOnlyList<string> path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    foreach (var leaf in Leaves(child, [.. path, name]))
                        yield return leaf;
                }
                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    foreach (var leaf in Leaves(list[i], [.. path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                        yield return leaf;
                }
                break;
            default:
                yield return (path, node);
                break;
        }
    }

    private static JsonNode? At(JsonNode? root, IReadOnlyList<string> path)
    {
        var node = root;
        foreach (var segment in path)
            node = node is JsonArray list ? list[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)] : node?[segment];
        return node;
    }
}
