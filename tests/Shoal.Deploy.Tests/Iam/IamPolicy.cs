using System.Text.Json.Nodes;

namespace Shoal.Deploy.Tests.Iam;

// Reads an IAM policy document (config/iam/*.json). The policy is the source of truth: tests, and the
// integration test that records AWS calls at run time, compare against Actions().
public static class IamPolicy
{
    // Every action the policy allows, as written ("sqs:SendMessage"); IAM compares them case-insensitively.
    public static IReadOnlySet<string> Actions(string path) =>
        Statements(path).Where(s => s.Effect == "Allow").SelectMany(s => s.Actions).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<IamStatement> Statements(string path)
    {
        var document = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path} is not a JSON object");
        if (document["Version"]?.GetValue<string>() != "2012-10-17")
        {
            throw new InvalidDataException($"{path}: Version must be \"2012-10-17\" (the older version does not support policy variables)");
        }

        return [.. (document["Statement"] as JsonArray ?? throw new InvalidDataException($"{path}: Statement must be a list"))
            .Select((statement, i) => Read(path, i, statement as JsonObject ?? throw new InvalidDataException($"{path}: statement {i} is not an object")))];
    }

    private static IamStatement Read(string path, int index, JsonObject statement)
    {
        var where = $"{path}: statement {statement["Sid"]?.GetValue<string>() ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        if (statement.ContainsKey("NotAction") || statement.ContainsKey("NotResource"))
        {
            throw new NotSupportedException($"{where}: NotAction/NotResource grant everything not listed, so the actions cannot be listed; write Action and Resource instead");
        }

        return new IamStatement(
            statement["Sid"]?.GetValue<string>(),
            statement["Effect"]?.GetValue<string>() ?? throw new InvalidDataException($"{where} has no Effect"),
            OneOrMany(statement["Action"], where, "Action"),
            statement.ContainsKey("Principal") ? [] : OneOrMany(statement["Resource"], where, "Resource"),
            statement["Condition"] as JsonObject);
    }

    private static IReadOnlyList<string> OneOrMany(JsonNode? node, string where, string key) => node switch
    {
        JsonValue value => [value.GetValue<string>()],
        JsonArray list => [.. list.Select(v => v!.GetValue<string>())],
        _ => throw new InvalidDataException($"{where} has no {key}"),
    };
}
