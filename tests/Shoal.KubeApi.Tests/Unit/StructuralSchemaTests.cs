using System.Text.Json.Nodes;
using Shoal.KubeApi.Schema;

namespace Shoal.KubeApi.Tests.Unit;

public sealed class StructuralSchemaTests
{
    private static readonly StructuralSchema Schema = new((JsonObject)JsonNode.Parse("""
        {"type":"object","properties":{
          "spec":{"type":"object","properties":{
            "items":{"type":"array","minItems":1,"items":{"type":"object","properties":{
              "name":{"type":"string","maxLength":3},
              "weight":{"type":"integer","default":1,"minimum":1,"exclusiveMinimum":true}}}},
            "limit":{"type":"number","maximum":1000000},
            "big":{"type":"integer","format":"int64"},
            "maybe":{"type":"string","nullable":true},
            "never":{"type":"string"},
            "fallback":{"type":"string","default":"x"},
            "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"known":{"type":"integer"}}}}}}}
        """)!);

    private static JsonObject Object(string json) => (JsonObject)JsonNode.Parse(json)!;

    [Fact]
    public void Pruning_reports_unknown_fields_by_path_and_keeps_preserved_ones()
    {
        var obj = Object("""{"apiVersion":"v","kind":"K","metadata":{"name":"n","bogus":1},"top":1,"spec":{"items":[{"name":"a","x":1}],"free":{"known":1,"any":{"y":2}}}}""");

        var pruned = Schema.Prune(obj);

        Assert.Equal(["metadata.bogus", "top", "spec.items[0].x"], pruned);
        Assert.Equal("""{"apiVersion":"v","kind":"K","metadata":{"name":"n"},"spec":{"items":[{"name":"a"}],"free":{"known":1,"any":{"y":2}}}}""", obj.ToJsonString());
    }

    [Fact]
    public void Defaults_fill_absent_fields_and_nulls_that_are_not_allowed()
    {
        var obj = Object("""{"spec":{"items":[{"name":"a"},{"name":"b","weight":5}],"fallback":null,"maybe":null}}""");

        Schema.ApplyDefaults(obj);

        Assert.Equal("""{"spec":{"items":[{"name":"a","weight":1},{"name":"b","weight":5}],"fallback":"x","maybe":null}}""", obj.ToJsonString());
    }

    [Fact]
    public void Validation_messages_match_the_real_server()
    {
        var errors = Schema.Validate(Object("""{"spec":{"items":[{"name":"abcd","weight":1}],"limit":2000000,"big":9223372036854775808,"never":null}}"""));

        Assert.Equal(
        [
            "spec.items[0].name: Too long: may not be more than 3 bytes",
            "spec.items[0].weight: Invalid value: 1: spec.items[0].weight in body should be greater than 1",
            "spec.limit: Invalid value: 2000000: spec.limit in body should be less than or equal to 1e+06",
            "spec.big: Invalid value: 9223372036854775808: spec.big in body must be of type int64: \"9223372036854775808\"",
            "spec.never: Invalid value: \"\": spec.never in body must be of type string: \"null\"",
        ], errors.Select(e => e.ToString()));

        Assert.Equal(["spec.items: Invalid value: 0: spec.items in body should have at least 1 items"],
            Schema.Validate(Object("""{"spec":{"items":[]}}""")).Select(e => e.ToString()));
    }
}
