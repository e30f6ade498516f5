using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Shoal.Operator.Tests.Crds;

// Just enough of the API server's structural-schema validation and defaulting to check manifests against
// our own CRDs: types, nullable, unknown fields (kubectl apply validates strictly), required, enum,
// bounds, patterns, lengths and sets. CEL rules are not evaluated; a real API server does that.
internal static class SchemaChecker
{
    public static IReadOnlyList<string> Validate(JsonNode? value, JsonObject schema, string path = "")
    {
        var errors = new List<string>();
        Check(value, schema, path, errors);
        return errors;
    }

    // The API server's defaulting: a left-out property with a default gets it, then its children are
    // defaulted in turn, so `default: {}` brings in the defaults beneath it.
    public static void ApplyDefaults(JsonNode? value, JsonObject schema)
    {
        if (value is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                var childSchema = (JsonObject)child!;
                if (!obj.ContainsKey(name) && childSchema["default"] is { } defaultValue)
                    obj[name] = defaultValue.DeepClone();
                if (obj[name] is { } present)
                    ApplyDefaults(present, childSchema);
            }
        }
        else if (value is JsonObject map && schema["additionalProperties"] is JsonObject valueSchema)
        {
            foreach (var (_, item) in map)
                ApplyDefaults(item, valueSchema);
        }
        else if (value is JsonArray list && schema["items"] is JsonObject itemSchema)
        {
            foreach (var item in list)
                ApplyDefaults(item, itemSchema);
        }
    }

    private static void Check(JsonNode? value, JsonObject schema, string path, List<string> errors)
    {
        var at = path.Length == 0 ? "<root>" : path;
        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true)
                errors.Add($"{at}: must not be null");
            return;
        }

        var type = schema["type"]?.GetValue<string>();
        var kind = value.GetValueKind();
        var typeOk = type switch
        {
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer" => kind == JsonValueKind.Number && long.TryParse(value.ToJsonString(), CultureInfo.InvariantCulture, out _),
            "number" => kind == JsonValueKind.Number,
            _ => false,
        };
        if (!typeOk)
        {
            errors.Add($"{at}: must be of type {type}, got {value.ToJsonString()}");
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
            errors.Add($"{at}: Unsupported value {value.ToJsonString()}: supported values: {string.Join(", ", allowed.Select(a => a!.ToJsonString()))}");

        switch (value)
        {
            case JsonObject obj:
                CheckObject(obj, schema, path, errors);
                break;
            case JsonArray list:
                CheckArray(list, schema, path, errors);
                break;
            default:
                CheckScalar(value, schema, at, errors);
                break;
        }
    }

    private static void CheckObject(JsonObject obj, JsonObject schema, string path, List<string> errors)
    {
        var at = path.Length == 0 ? "<root>" : path;
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in obj)
            {
                if (properties[name] is JsonObject childSchema)
                    Check(child, childSchema, Join(path, name), errors);
                else
                    errors.Add($"{Join(path, name)}: unknown field \"{name}\"");
            }
            foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()))
            {
                if (!obj.ContainsKey(required))
                    errors.Add($"{Join(path, required)}: Required value");
            }
        }
        else if (schema["additionalProperties"] is JsonObject valueSchema)
        {
            foreach (var (name, child) in obj)
                Check(child, valueSchema, Join(path, name), errors);
        }
        else if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() != true && path.Length > 0 && path != "metadata")
        {
            errors.Add($"{at}: schema has neither properties nor additionalProperties");
        }

        if (schema["maxProperties"] is { } maxProperties && obj.Count > Number(maxProperties))
            errors.Add($"{at}: Too many: {obj.Count}: must have at most {maxProperties} items");
        if (schema["minProperties"] is { } minProperties && obj.Count < Number(minProperties))
            errors.Add($"{at}: Too few: {obj.Count}: must have at least {minProperties} items");
    }

    private static void CheckArray(JsonArray list, JsonObject schema, string path, List<string> errors)
    {
        if (schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < list.Count; i++)
                Check(list[i], itemSchema, $"{path}[{i}]", errors);
        }
        if (schema["minItems"] is { } minItems && list.Count < Number(minItems))
            errors.Add($"{path}: must have at least {minItems} items");
        if (schema["maxItems"] is { } maxItems && list.Count > Number(maxItems))
            errors.Add($"{path}: must have at most {maxItems} items");
        if (schema["x-kubernetes-list-type"]?.GetValue<string>() == "set")
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list.Take(i).Any(earlier => JsonNode.DeepEquals(earlier, list[i])))
                    errors.Add($"{path}[{i}]: Duplicate value: {list[i]!.ToJsonString()}");
            }
        }
    }

    private static void CheckScalar(JsonNode value, JsonObject schema, string at, List<string> errors)
    {
        if (value.GetValueKind() == JsonValueKind.Number)
        {
            var number = Number(value);
            if (schema["minimum"] is { } minimum && number < Number(minimum))
                errors.Add($"{at}: Invalid value: {number}: should be greater than or equal to {minimum}");
            if (schema["maximum"] is { } maximum && number > Number(maximum))
                errors.Add($"{at}: Invalid value: {number}: should be less than or equal to {maximum}");
        }
        else if (value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            if (schema["pattern"] is { } pattern && !Regex.IsMatch(text, pattern.GetValue<string>()))
                errors.Add($"{at}: Invalid value: \"{text}\": should match '{pattern}'");
            if (schema["minLength"] is { } minLength && text.Length < Number(minLength))
                errors.Add($"{at}: Invalid value: \"{text}\": should be at least {minLength} chars long");
            if (schema["maxLength"] is { } maxLength && text.Length > Number(maxLength))
                errors.Add($"{at}: Too long: may not be more than {maxLength} bytes");
        }
    }

    // Through the JSON text, because a node may hold an int, a long or a JsonElement depending on whether
    // it came from the generator or from parsed YAML.
    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
