using System.Text.Json.Nodes;
using Json.Schema;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Chart;

// charts/shoal/values.schema.json, applied the way Helm applies it: to the chart's values.yaml with the
// user's values merged over it (maps merge key by key, anything else replaces).
internal static class ValuesSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(RepoPaths.Read("charts", "shoal", "values.schema.json")));

    public static JsonNode Defaults() => Yaml.LoadFile("charts", "shoal", "values.yaml")
        ?? throw new InvalidOperationException("charts/shoal/values.yaml is empty");

    // "location: message" for every failed keyword, empty when the values are valid.
    public static IReadOnlyList<string> Errors(JsonNode values)
    {
        var result = Schema.Value.Evaluate(values, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        return [.. result.Details
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))];
    }

    public static JsonNode Merge(JsonNode defaults, JsonNode? overrides)
    {
        var merged = defaults.DeepClone();
        if (overrides is JsonObject over && merged is JsonObject target)
        {
            foreach (var (key, value) in over)
            {
                target[key] = target[key] is JsonObject existing && value is JsonObject
                    ? Merge(existing, value)
                    : value?.DeepClone();
            }

            return target;
        }

        return overrides?.DeepClone() ?? merged;
    }

    // Merge with overrides written as YAML, the way a user writes a values file.
    public static JsonNode With(string overridesYaml) => Merge(Defaults(), Yaml.Load(overridesYaml));
}
