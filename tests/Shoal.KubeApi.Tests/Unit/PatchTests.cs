using System.Text.Json.Nodes;
using Shoal.KubeApi.Patching;

namespace Shoal.KubeApi.Tests.Unit;

public sealed class PatchTests
{
    private static JsonNode Doc() => JsonNode.Parse("""{"a":{"b":1,"c":[1,2]},"d":"x"}""")!;

    [Fact]
    public void A_merge_patch_merges_objects_replaces_lists_and_removes_nulls()
    {
        var patched = MergePatch.Apply(Doc(), JsonNode.Parse("""{"a":{"b":null,"c":[3],"e":true},"d":"y"}"""));
        Assert.Equal("""{"a":{"c":[3],"e":true},"d":"y"}""", patched!.ToJsonString());
    }

    [Fact]
    public void A_strategic_merge_patch_drops_its_directives()
    {
        var patched = MergePatch.Apply(Doc(), JsonNode.Parse("""{"$retainKeys":["a"],"a":{"$patch":"merge","b":2}}"""), strategic: true);
        Assert.Equal("""{"a":{"b":2,"c":[1,2]},"d":"x"}""", patched!.ToJsonString());
    }

    [Fact]
    public void A_json_patch_applies_every_operation_in_order()
    {
        var patch = JsonNode.Parse("""
            [{"op":"add","path":"/a/c/-","value":3},{"op":"add","path":"/a/c/0","value":0},{"op":"remove","path":"/a/b"},
             {"op":"replace","path":"/d","value":"z"},{"op":"copy","from":"/d","path":"/e"},{"op":"move","from":"/e","path":"/f~1g"},
             {"op":"test","path":"/f~1g","value":"z"}]
            """);
        Assert.Equal("""{"a":{"c":[0,1,2,3]},"d":"z","f/g":"z"}""", JsonPatch.Apply(Doc(), patch).ToJsonString());
    }

    [Theory]
    [InlineData("""[{"op":"test","path":"/d","value":"nope"}]""", "testing value /d failed")]
    [InlineData("""[{"op":"remove","path":"/a/zz"}]""", "remove operation does not apply: doc is missing path: \"/a/zz\"")]
    [InlineData("""[{"op":"jump","path":"/a"}]""", "Unexpected kind: jump")]
    [InlineData("""{"op":"add"}""", "a JSON patch must be an array of operations")]
    public void A_json_patch_that_cannot_apply_says_why(string patch, string message)
        => Assert.Equal(message, Assert.Throws<PatchException>(() => JsonPatch.Apply(Doc(), JsonNode.Parse(patch))).Message);

    [Fact]
    public void Yaml_apply_configurations_read_with_core_schema_scalars()
    {
        var node = YamlToJson.Parse("""
            spec:
              size: 3
              ratio: 0.5
              on: true
              name: "007"
              nothing: ~
              list: [a, 1]
            """);
        Assert.Equal("""{"spec":{"size":3,"ratio":0.5,"on":true,"name":"007","nothing":null,"list":["a",1]}}""", node!.ToJsonString());
    }
}
