using System.Text;
using System.Text.Json.Nodes;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.ArgoCd;

// Runs an Argo CD health script with the real Lua 5.4 interpreter (Debian's lua5.4, which .ci/run
// installs): the object is bound to the global `obj`, as Argo CD does, and the returned hs is printed.
internal static class LuaHealthScript
{
    public const string Interpreter = "lua5.4";

    public static string InterpreterPath =>
        ProcessRunner.Find(Interpreter)
        ?? throw new InvalidOperationException($"{Interpreter} is not on PATH: install it (apt-get install -y lua5.4; .ci/run does this) to run the Argo CD health checks");

    public static async Task<HealthStatus> RunAsync(string scriptPath, JsonNode? obj)
    {
        var program = new StringBuilder()
            .Append("obj = ").Append(LuaLiteral.From(obj)).Append('\n')
            .Append("local hs = dofile(").Append(LuaLiteral.From(JsonValue.Create(scriptPath))).Append(")\n")
            .Append("assert(type(hs) == \"table\", \"the script must return the hs table\")\n")
            .Append("io.write(tostring(hs.status), \"\\n\", tostring(hs.message))\n")
            .ToString();
        var result = await ProcessRunner.RunAsync(InterpreterPath, ["-"], standardInput: program, timeout: TimeSpan.FromSeconds(20));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(scriptPath)} failed under {Interpreter}: {result}");
        }

        var lines = result.StandardOutput.Split('\n', 2);
        return new HealthStatus(lines[0], lines.Length > 1 ? lines[1] : "");
    }
}
