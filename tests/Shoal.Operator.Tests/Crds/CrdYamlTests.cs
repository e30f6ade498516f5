using System.Text.Json.Nodes;
using Shoal.Operator.Crds;

namespace Shoal.Operator.Tests.Crds;

public sealed class CrdYamlTests
{
    [Theory]
    [InlineData("True")]
    [InlineData("false")]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("")]
    [InlineData("1000")]
    [InlineData("-1")]
    [InlineData(".5")]
    [InlineData("1e3")]
    [InlineData(".inf")]
    [InlineData("2024-01-01")]
    [InlineData("a: b")]
    [InlineData("# not a comment")]
    [InlineData("- not a list")]
    [InlineData("'quoted'")]
    [InlineData("\"double\"")]
    [InlineData(" padded ")]
    [InlineData("two\nlines")]
    [InlineData(@"^\s*\S[\s\S]*$")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status")]
    public void StringsReadBackAsTheSameStrings(string value)
    {
        var yaml = CrdYaml.Write(new JsonObject { ["value"] = value });

        var parsed = Assert.Single(YamlDocuments.Parse(yaml));

        Assert.True(JsonNode.DeepEquals(JsonValue.Create(value), parsed["value"]), $"wrote {value} as:\n{yaml}");
    }

    [Fact]
    public void NumbersAndBooleansStayUnquoted()
    {
        var yaml = CrdYaml.Write(new JsonObject { ["count"] = 1000, ["enabled"] = true, ["ratio"] = 0.5 });

        Assert.Contains("\ncount: 1000\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\nenabled: true\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\nratio: 0.5\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysAreWrittenInOrdinalOrderWhateverTheInsertionOrder()
    {
        var one = CrdYaml.Write(new JsonObject { ["b"] = 1, ["a"] = new JsonObject { ["z"] = 1, ["Q"] = 2 }, ["C"] = 3 });
        var other = CrdYaml.Write(new JsonObject { ["C"] = 3, ["a"] = new JsonObject { ["Q"] = 2, ["z"] = 1 }, ["b"] = 1 });

        Assert.Equal(one, other);
        Assert.EndsWith("---\nC: 3\na:\n  Q: 2\n  z: 1\nb: 1\n", one, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyObjectsAreWrittenAsEmptyMappings()
    {
        var yaml = CrdYaml.Write(new JsonObject { ["status"] = new JsonObject() });

        Assert.EndsWith("status: {}\n", yaml, StringComparison.Ordinal);
    }
}
