using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shoal.KubeApi.Storage;

namespace Shoal.KubeApi.Schema;

/// <summary>
/// The parts of apiextensions' structural-schema handling that decide what gets stored: pruning of
/// unknown fields, defaulting, and OpenAPI v3 validation with the real server's error messages.
/// Not covered: CEL (x-kubernetes-validations), allOf/anyOf/oneOf/not, list-type uniqueness, string formats
/// other than the integer ones.
/// </summary>
internal sealed class StructuralSchema
{
    private static readonly HashSet<string> ObjectMetaFields =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "managedFields",
    ];

    private readonly JsonObject root;

    public StructuralSchema(JsonObject openApiV3Schema)
    {
        root = openApiV3Schema;
    }

    /// <summary>Removes fields the schema does not declare; returns their paths ("spec.foo") for strict validation.</summary>
    public List<string> Prune(JsonObject obj)
    {
        var pruned = new List<string>();
        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            if (key is "apiVersion" or "kind")
            {
                continue;
            }

            if (key == "metadata")
            {
                if (obj[key] is JsonObject metadata)
                {
                    foreach (var field in metadata.Select(p => p.Key).Where(k => !ObjectMetaFields.Contains(k)).ToList())
                    {
                        metadata.Remove(field);
                        pruned.Add($"metadata.{field}");
                    }
                }

                continue;
            }

            if (Property(root, key) is { } propertySchema)
            {
                PruneNode(propertySchema, obj[key], key, pruned);
            }
            else if (!PreservesUnknown(root))
            {
                obj.Remove(key);
                pruned.Add(key);
            }
        }

        return pruned;
    }

    private static void PruneNode(JsonObject schema, JsonNode? value, string path, List<string> pruned)
    {
        switch (value)
        {
            case JsonObject obj:
                if (schema["additionalProperties"] is JsonObject valueSchema)
                {
                    foreach (var (key, child) in obj.ToList())
                    {
                        PruneNode(valueSchema, child, $"{path}.{key}", pruned);
                    }

                    return;
                }

                var embedded = schema["x-kubernetes-embedded-resource"]?.GetValueKind() == JsonValueKind.True;
                foreach (var (key, child) in obj.ToList())
                {
                    if (Property(schema, key) is { } childSchema)
                    {
                        PruneNode(childSchema, child, $"{path}.{key}", pruned);
                    }
                    else if (!PreservesUnknown(schema) && !(embedded && key is "apiVersion" or "kind" or "metadata")
                        && schema["additionalProperties"]?.GetValueKind() != JsonValueKind.True)
                    {
                        obj.Remove(key);
                        pruned.Add($"{path}.{key}");
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject itemSchema:
                for (var i = 0; i < array.Count; i++)
                {
                    PruneNode(itemSchema, array[i], $"{path}[{i}]", pruned);
                }

                break;
        }
    }

    /// <summary>Fills in `default` values for absent fields (and for nulls where null is not allowed).</summary>
    public void ApplyDefaults(JsonObject obj) => DefaultNode(root, obj);

    private static void DefaultNode(JsonObject schema, JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                if (schema["properties"] is JsonObject properties)
                {
                    foreach (var (key, childSchemaNode) in properties)
                    {
                        if (childSchemaNode is not JsonObject childSchema || childSchema["default"] is not { } defaultValue)
                        {
                            continue;
                        }

                        var present = obj.TryGetPropertyValue(key, out var current);
                        if (!present || (current is null && !IsNullable(childSchema)))
                        {
                            obj[key] = defaultValue.DeepClone();
                        }
                    }

                    foreach (var (key, child) in obj.ToList())
                    {
                        if (properties[key] is JsonObject childSchema)
                        {
                            DefaultNode(childSchema, child);
                        }
                    }
                }
                else if (schema["additionalProperties"] is JsonObject valueSchema)
                {
                    foreach (var (_, child) in obj.ToList())
                    {
                        DefaultNode(valueSchema, child);
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject itemSchema:
                foreach (var item in array)
                {
                    DefaultNode(itemSchema, item);
                }

                break;
        }
    }

    public List<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        if (root["properties"] is JsonObject properties)
        {
            foreach (var (key, schemaNode) in properties)
            {
                if (key is "apiVersion" or "kind" or "metadata" || schemaNode is not JsonObject schema)
                {
                    continue;
                }

                if (obj.TryGetPropertyValue(key, out var value))
                {
                    ValidateNode(schema, value, key, errors);
                }
            }
        }

        foreach (var required in Required(root))
        {
            if (!obj.ContainsKey(required))
            {
                errors.Add(FieldError.Required(required));
            }
        }

        return errors;
    }

    private static void ValidateNode(JsonObject schema, JsonNode? value, string path, List<FieldError> errors)
    {
        var type = Json.Str(schema["type"]);
        if (value is null)
        {
            if (!IsNullable(schema) && !PreservesUnknown(schema) && !IntOrString(schema))
            {
                errors.Add(FieldError.TypeInvalid(path, JsonValue.Create(""), $"{path} in body must be of type {type ?? "object"}: \"null\""));
            }

            return;
        }

        var actual = Json.TypeName(value);
        if (IntOrString(schema))
        {
            if (actual is not ("integer" or "string"))
            {
                errors.Add(FieldError.TypeInvalid(path, value, $"{path} in body must be of type integer or string: \"{actual}\""));
                return;
            }
        }
        else if (type is not null && !TypeMatches(type, actual))
        {
            errors.Add(FieldError.TypeInvalid(path, value, $"{path} in body must be of type {type}: \"{actual}\""));
            return;
        }

        if (!ValidateFormat(schema, value, path, errors))
        {
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(FieldError.NotSupported(path, value,
                allowed.Select(a => Json.Str(a) ?? a?.ToJsonString() ?? "null")));
        }

        switch (value)
        {
            case JsonValue when Json.TryGetDouble(value, out var number):
                ValidateNumber(schema, value, number, path, errors);
                break;
            case JsonValue when Json.Str(value) is { } text:
                ValidateString(schema, value, text, path, errors);
                break;
            case JsonArray array:
                ValidateArray(schema, array, path, errors);
                break;
            case JsonObject obj:
                ValidateObject(schema, obj, path, errors);
                break;
        }
    }

    private static bool TypeMatches(string type, string actual) => type switch
    {
        "number" => actual is "number" or "integer",
        _ => type == actual,
    };

    private static bool ValidateFormat(JsonObject schema, JsonNode value, string path, List<FieldError> errors)
    {
        var format = Json.Str(schema["format"]);
        if (format is not ("int32" or "int64") || value is not JsonValue v || !Json.IsInteger(v))
        {
            return true;
        }

        var text = v.ToJsonString();
        var fits = format == "int32"
            ? int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _)
            : long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _);
        if (fits)
        {
            return true;
        }

        errors.Add(FieldError.TypeInvalid(path, value, $"{path} in body must be of type {format}: \"{v.ToJsonString()}\""));
        return false;
    }

    private static void ValidateNumber(JsonObject schema, JsonNode value, double number, string path, List<FieldError> errors)
    {
        if (Json.TryGetDouble(schema["minimum"], out var min))
        {
            var exclusive = schema["exclusiveMinimum"]?.GetValueKind() == JsonValueKind.True;
            if (exclusive ? number <= min : number < min)
            {
                var bound = exclusive ? "greater than" : "greater than or equal to";
                errors.Add(FieldError.Invalid(path, value, $"{path} in body should be {bound} {GoFormat.Float(min)}"));
            }
        }

        if (Json.TryGetDouble(schema["maximum"], out var max))
        {
            var exclusive = schema["exclusiveMaximum"]?.GetValueKind() == JsonValueKind.True;
            if (exclusive ? number >= max : number > max)
            {
                var bound = exclusive ? "less than" : "less than or equal to";
                errors.Add(FieldError.Invalid(path, value, $"{path} in body should be {bound} {GoFormat.Float(max)}"));
            }
        }

        if (Json.TryGetDouble(schema["multipleOf"], out var factor) && factor > 0 && Math.Abs(Math.IEEERemainder(number, factor)) > 1e-9)
        {
            errors.Add(FieldError.Invalid(path, value, $"{path} in body should be a multiple of {GoFormat.Float(factor)}"));
        }
    }

    private static void ValidateString(JsonObject schema, JsonNode value, string text, string path, List<FieldError> errors)
    {
        // Go counts runes, not UTF-16 code units.
        var length = text.EnumerateRunes().Count();
        if (Json.TryGetDouble(schema["maxLength"], out var maxLength) && length > maxLength)
        {
            errors.Add(FieldError.TooLong(path, (long)maxLength));
        }

        if (Json.TryGetDouble(schema["minLength"], out var minLength) && length < minLength)
        {
            errors.Add(FieldError.Invalid(path, value, $"{path} in body should be at least {(long)minLength} chars long"));
        }

        if (Json.Str(schema["pattern"]) is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add(FieldError.Invalid(path, value, $"{path} in body should match '{pattern}'"));
        }
    }

    private static void ValidateArray(JsonObject schema, JsonArray array, string path, List<FieldError> errors)
    {
        if (Json.TryGetDouble(schema["maxItems"], out var maxItems) && array.Count > maxItems)
        {
            errors.Add(FieldError.TooMany(path, array.Count, (long)maxItems));
        }

        if (Json.TryGetDouble(schema["minItems"], out var minItems) && array.Count < minItems)
        {
            errors.Add(FieldError.Invalid(path, JsonValue.Create(array.Count), $"{path} in body should have at least {(long)minItems} items"));
        }

        if (schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < array.Count; i++)
            {
                ValidateNode(itemSchema, array[i], $"{path}[{i}]", errors);
            }
        }
    }

    private static void ValidateObject(JsonObject schema, JsonObject obj, string path, List<FieldError> errors)
    {
        if (Json.TryGetDouble(schema["maxProperties"], out var maxProperties) && obj.Count > maxProperties)
        {
            errors.Add(FieldError.TooMany(path, obj.Count, (long)maxProperties) with { Detail = $"must have at most {(long)maxProperties} properties" });
        }

        if (Json.TryGetDouble(schema["minProperties"], out var minProperties) && obj.Count < minProperties)
        {
            errors.Add(FieldError.Invalid(path, JsonValue.Create(obj.Count), $"{path} in body should have at least {(long)minProperties} properties"));
        }

        foreach (var required in Required(schema))
        {
            if (!obj.ContainsKey(required))
            {
                errors.Add(FieldError.Required($"{path}.{required}"));
            }
        }

        foreach (var (key, child) in obj)
        {
            if (Property(schema, key) is { } childSchema)
            {
                ValidateNode(childSchema, child, $"{path}.{key}", errors);
            }
            else if (schema["additionalProperties"] is JsonObject valueSchema)
            {
                ValidateNode(valueSchema, child, $"{path}.{key}", errors);
            }
        }
    }

    private static JsonObject? Property(JsonObject schema, string key) => (schema["properties"] as JsonObject)?[key] as JsonObject;

    private static IEnumerable<string> Required(JsonObject schema)
        => (schema["required"] as JsonArray)?.Select(Json.Str).OfType<string>() ?? [];

    private static bool PreservesUnknown(JsonObject schema)
        => schema["x-kubernetes-preserve-unknown-fields"]?.GetValueKind() == JsonValueKind.True;

    private static bool IntOrString(JsonObject schema)
        => schema["x-kubernetes-int-or-string"]?.GetValueKind() == JsonValueKind.True;

    private static bool IsNullable(JsonObject schema) => schema["nullable"]?.GetValueKind() == JsonValueKind.True;
}
