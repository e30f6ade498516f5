using System.Text.Json.Nodes;
using Shoal.KubeApi.Tables;

namespace Shoal.KubeApi.Tests.Unit;

public sealed class JsonPathExpressionTests
{
    private static readonly JsonNode Document = JsonNode.Parse("""
        {"metadata":{"name":"g1","labels":{"app.kubernetes.io/name":"shoal"}},
         "status":{"counts":{"queued":4},"conditions":[{"type":"Launched","status":"False"},{"type":"Ready","status":"True"}]}}
        """)!;

    [Theory]
    [InlineData(".status.counts.queued", "[4]")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "[\"True\"]")]
    [InlineData("{.status.conditions[?(@.type=='Launched')].status}", "[\"False\"]")]
    [InlineData(".status.conditions[?(@.type!=\"Ready\")].type", "[\"Launched\"]")]
    [InlineData(".status.conditions[1].type", "[\"Ready\"]")]
    [InlineData(".status.conditions[-1].type", "[\"Ready\"]")]
    [InlineData(".status.conditions[*].type", "[\"Launched\",\"Ready\"]")]
    [InlineData(".metadata.labels['app.kubernetes.io/name']", "[\"shoal\"]")]
    [InlineData(".status.missing.deeper", "[]")]
    public void Selects_what_printer_columns_point_at(string path, string expected)
        => Assert.Equal(expected, new JsonArray([.. JsonPathExpression.Parse(path).Evaluate(Document).Select(n => n?.DeepClone())]).ToJsonString());

    [Theory]
    [InlineData(".status.conditions[?(@.type>1)]")]
    [InlineData("status")]
    [InlineData(".status.conditions[x]")]
    public void Rejects_what_it_does_not_support(string path)
        => Assert.Throws<FormatException>(() => JsonPathExpression.Parse(path));
}
