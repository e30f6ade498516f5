using System.Text.Json.Nodes;

namespace Shoal.Deploy.Tests.ArgoCd;

public sealed class LuaLiteralTests
{
    [Fact]
    public void Objects_arrays_and_scalars_become_a_table_constructor()
    {
        var node = JsonNode.Parse("""{"a": 1, "b": [true, false], "c": {"d": "e"}, "f": 2.5, "g": null}""");

        Assert.Equal("""{["a"]=1,["b"]={true,false,},["c"]={["d"]="e",},["f"]=2.5,}""", LuaLiteral.From(node));
    }

    [Fact]
    public void Strings_are_escaped_so_a_message_cannot_break_out_of_its_literal()
    {
        var node = JsonValue.Create("say \"hi\"\\\n]] é");

        Assert.Equal("\"say \\\"hi\\\"\\\\\\010]] \\195\\169\"", LuaLiteral.From(node));
    }

    [Fact]
    public async Task The_interpreter_reads_the_literal_back_unchanged()
    {
        // Round trip through real Lua: what the health scripts see is what the fixture says.
        var script = Path.Combine(Path.GetTempPath(), $"echo-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, "return { status = obj.s, message = obj.m[2] .. tostring(obj.n.k) }\n");
        try
        {
            var health = await LuaHealthScript.RunAsync(script, JsonNode.Parse("""{"s": "Ünïcode \"q\"", "m": ["x", "line1\nline2"], "n": {"k": 42}}"""));

            Assert.Equal(new HealthStatus("Ünïcode \"q\"", "line1\nline242"), health);
        }
        finally
        {
            File.Delete(script);
        }
    }
}
