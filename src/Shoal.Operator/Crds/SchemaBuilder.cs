using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;

namespace Shoal.Operator.Crds;

// Turns a resource type into a structural openAPIV3Schema: every node typed, objects with properties,
// maps with additionalProperties. An attribute it does not understand is an error, never skipped: a
// validation silently missing from the CRD is worse than a failed generation.
internal sealed class SchemaBuilder
{
    // Not thread-safe, hence one per builder.
    private readonly NullabilityInfoContext nullability = new();
    private readonly HashSet<Type> building = [];

    public JsonObject ForResource(Type resourceType) => ForObject(resourceType, isRoot: true);

    private JsonObject ForObject(Type type, bool isRoot = false)
    {
        if (!building.Add(type))
            throw new NotSupportedException($"{type.Name} contains itself; a CRD schema cannot describe a recursive type.");

        var schema = new JsonObject { ["type"] = "object" };
        if (type.GetCustomAttribute<DescriptionAttribute>() is { } description)
            schema["description"] = description.Description;

        var properties = new JsonObject();
        var required = new List<string>();
        foreach (var (name, property) in WireProperties(type))
        {
            var isRequired = property.GetCustomAttribute<RequiredAttribute>() is not null;
            properties[name] = isRoot && IsEnvelope(name) ? Envelope(name) : ForProperty(property, isRequired);
            if (isRequired)
                required.Add(name);
        }
        schema["properties"] = properties;
        if (required.Count > 0)
            schema["required"] = new JsonArray([.. required.Order(StringComparer.Ordinal).Select(r => JsonValue.Create(r))]);

        foreach (var attribute in type.GetCustomAttributes(inherit: false))
        {
            if (attribute is CelRuleAttribute rule)
                AddRule(schema, rule);
            else if (attribute is ValidationAttribute)
                throw Unsupported($"{type.Name}: [{AttributeName(attribute)}] on a class", "put it on a property, or express the rule as a [CelRule]");
        }

        building.Remove(type);
        return schema;
    }

    private JsonObject ForProperty(PropertyInfo property, bool isRequired)
    {
        var where = $"{property.DeclaringType!.Name}.{property.Name}";
        var schema = ForType(property.PropertyType, where);

        foreach (var attribute in property.GetCustomAttributes(inherit: true))
        {
            switch (attribute)
            {
                case DescriptionAttribute description:
                    // The field's own words beat its type's: `kubectl explain` shows them for this field.
                    schema["description"] = description.Description;
                    break;
                case DefaultValueAttribute defaultValue:
                    schema["default"] = Scalar(defaultValue.Value, schema, where, "[DefaultValue]");
                    break;
                case RequiredAttribute:
                    break;
                case RangeAttribute range:
                    ApplyRange(schema, range, where);
                    break;
                case RegularExpressionAttribute regex:
                    Require(schema, "string", where, "[RegularExpression]");
                    schema["pattern"] = regex.Pattern;
                    break;
                case AllowedValuesAttribute allowed:
                    schema["enum"] = new JsonArray([.. allowed.Values.Select(v => Scalar(v, schema, where, "[AllowedValues]"))]);
                    break;
                case LengthAttribute length:
                    ApplyLength(schema, length.MinimumLength, length.MaximumLength, where);
                    break;
                case MinLengthAttribute minLength:
                    ApplyLength(schema, minLength.Length, null, where);
                    break;
                case MaxLengthAttribute maxLength:
                    ApplyLength(schema, null, maxLength.Length, where);
                    break;
                case ItemsAttribute items:
                    ApplyItems(schema, items, where);
                    break;
                case ListTypeAttribute listType:
                    ApplyListType(schema, listType, where);
                    break;
                case CelRuleAttribute rule:
                    AddRule(schema, rule);
                    break;
                case ValidationAttribute:
                    throw Unsupported($"{where}: [{AttributeName(attribute)}]", "use [Range], [RegularExpression], [AllowedValues], [MinLength], [MaxLength], [Length] or a [CelRule]");
            }
        }

        if (schema["enum"] is JsonArray values && schema["default"] is { } defaultNode
            && !values.Any(v => JsonNode.DeepEquals(v, defaultNode)))
            throw new InvalidOperationException($"{where}: the default {defaultNode.ToJsonString()} is not one of its allowed values {values.ToJsonString()}.");

        // Null in C# means "left out", so a JSON null is allowed there too. A required field must be present
        // with a value: the API server counts a null as present.
        if (!isRequired && nullability.Create(property).ReadState == NullabilityState.Nullable)
        {
            schema["nullable"] = true;
        }
        else if (!isRequired && IsDefaultableObject(schema))
        {
            // The API server defaults only inside objects that exist; an empty default makes a left-out
            // object pick up its fields' defaults, as `new()` does in C#. Only for objects with no required
            // fields, or the default itself would be invalid.
            schema["default"] = new JsonObject();
        }

        return schema;
    }

    private JsonObject ForType(Type type, string where)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
            return new JsonObject { ["type"] = "string" };
        if (t == typeof(bool))
            return new JsonObject { ["type"] = "boolean" };
        if (t == typeof(int))
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        if (t == typeof(long))
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        if (t == typeof(DateTimeOffset) || t == typeof(DateTime))
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        if (DictionaryValueType(t, where) is { } valueType)
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = ForType(valueType, where) };
        if (ElementType(t) is { } elementType)
            return new JsonObject { ["type"] = "array", ["items"] = ForType(elementType, where) };
        if (t.IsClass && t != typeof(object) && t.GetConstructor(Type.EmptyTypes) is not null)
            return ForObject(t);
        throw Unsupported($"{where}: type {type.Name}", "use string, bool, int, long, DateTimeOffset, a list, a string-keyed dictionary or a class with a parameterless constructor");
    }

    private static IEnumerable<(string Name, PropertyInfo Property)> WireProperties(Type type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always })
                continue;
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
                ?? throw new InvalidOperationException($"{type.Name}.{property.Name} has no [JsonPropertyName]; the CRD needs the exact wire name.");
            if (!seen.Add(name))
                throw new InvalidOperationException($"{type.Name} has two properties named \"{name}\" on the wire.");
            yield return (name, property);
        }
    }

    // The root's apiVersion, kind and metadata are the API server's, not ours to constrain: metadata in
    // particular must stay a bare object, or the CRD is rejected.
    private static bool IsEnvelope(string name) => name is "apiVersion" or "kind" or "metadata";

    private static JsonObject Envelope(string name) => name switch
    {
        "apiVersion" => new JsonObject
        {
            ["type"] = "string",
            ["description"] = "The versioned schema of this representation of the object: group/version.",
        },
        "kind" => new JsonObject
        {
            ["type"] = "string",
            ["description"] = "The kind of object this is, in CamelCase.",
        },
        _ => new JsonObject { ["type"] = "object" },
    };

    private static bool IsDefaultableObject(JsonObject schema) =>
        schema["properties"] is JsonObject properties
        && schema["required"] is null
        && properties.Any(p => p.Value is JsonObject child && child.ContainsKey("default"));

    private static Type? DictionaryValueType(Type t, string where)
    {
        if (!t.IsGenericType)
            return null;
        var definition = t.GetGenericTypeDefinition();
        if (definition != typeof(IDictionary<,>) && definition != typeof(IReadOnlyDictionary<,>) && definition != typeof(Dictionary<,>))
            return null;
        var arguments = t.GetGenericArguments();
        if (arguments[0] != typeof(string))
            throw Unsupported($"{where}: a dictionary keyed by {arguments[0].Name}", "JSON object keys are strings; key the dictionary by string");
        return arguments[1];
    }

    private static Type? ElementType(Type t)
    {
        if (t.IsArray)
            return t.GetElementType();
        if (!t.IsGenericType)
            return null;
        var definition = t.GetGenericTypeDefinition();
        return definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(List<>)
            || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>)
            ? t.GetGenericArguments()[0]
            : null;
    }

    private static void ApplyRange(JsonObject schema, RangeAttribute range, string where)
    {
        Require(schema, "integer", where, "[Range]");
        var (typeMin, typeMax) = schema["format"]?.GetValue<string>() == "int32" ? ((double)int.MinValue, (double)int.MaxValue) : (long.MinValue, long.MaxValue);
        var minimum = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
        var maximum = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        // [Range(0, int.MaxValue)] is the idiom for "at least 0"; the type's own bound adds nothing to the schema.
        if (minimum > typeMin)
            schema["minimum"] = (long)minimum;
        if (maximum < typeMax)
            schema["maximum"] = (long)maximum;
        if (range.MinimumIsExclusive)
            schema["exclusiveMinimum"] = true;
        if (range.MaximumIsExclusive)
            schema["exclusiveMaximum"] = true;
    }

    private static void ApplyLength(JsonObject schema, int? minimum, int? maximum, string where)
    {
        var (minKey, maxKey) = schema["type"]!.GetValue<string>() switch
        {
            "string" => ("minLength", "maxLength"),
            "array" => ("minItems", "maxItems"),
            "object" when schema.ContainsKey("additionalProperties") => ("minProperties", "maxProperties"),
            _ => throw Unsupported($"{where}: a length attribute", "lengths apply to strings, lists and dictionaries"),
        };
        if (minimum is { } min)
            schema[minKey] = min;
        if (maximum is { } max)
            schema[maxKey] = max;
    }

    private static void ApplyItems(JsonObject schema, ItemsAttribute items, string where)
    {
        var element = (schema["items"] ?? schema["additionalProperties"]) as JsonObject
            ?? throw Unsupported($"{where}: [Items]", "it applies to lists and dictionaries");
        var what = $"{where} items";
        if (items.Pattern is { } pattern)
        {
            Require(element, "string", what, "[Items(Pattern)]");
            element["pattern"] = pattern;
        }
        if (items.MinLength > 0 || items.MaxLength > 0)
            ApplyLength(element, items.MinLength > 0 ? items.MinLength : null, items.MaxLength > 0 ? items.MaxLength : null, what);
    }

    private static void ApplyListType(JsonObject schema, ListTypeAttribute listType, string where)
    {
        Require(schema, "array", where, "[ListType]");
        var items = (JsonObject)schema["items"]!;
        switch (listType.Type)
        {
            case KubernetesListType.Atomic:
                schema["x-kubernetes-list-type"] = "atomic";
                break;
            case KubernetesListType.Set:
                if (items["type"]!.GetValue<string>() is "object" or "array")
                    throw Unsupported($"{where}: [ListType(Set)] of {items["type"]}", "sets hold scalars; use Map for objects");
                schema["x-kubernetes-list-type"] = "set";
                break;
            case KubernetesListType.Map:
                var required = (items["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
                if (listType.MapKeys.Count == 0)
                    throw Unsupported($"{where}: [ListType(Map)] without keys", "name the item fields that identify an item");
                foreach (var key in listType.MapKeys.Where(k => !required.Contains(k)))
                    throw Unsupported($"{where}: map key \"{key}\" is not a [Required] field of the items", "the API server needs every map key present");
                schema["x-kubernetes-list-type"] = "map";
                schema["x-kubernetes-list-map-keys"] = new JsonArray([.. listType.MapKeys.Select(k => JsonValue.Create(k))]);
                break;
            default:
                throw Unsupported($"{where}: list type {listType.Type}", "use Atomic, Set or Map");
        }
    }

    private static void AddRule(JsonObject schema, CelRuleAttribute rule)
    {
        if (schema["x-kubernetes-validations"] is not JsonArray rules)
            schema["x-kubernetes-validations"] = rules = [];
        var node = new JsonObject { ["rule"] = rule.Rule, ["message"] = rule.Message };
        if (rule.FieldPath is { } fieldPath)
            node["fieldPath"] = fieldPath;
        if (rule.Reason is { } reason)
            node["reason"] = reason;
        rules.Add(node);
    }

    private static JsonNode Scalar(object? value, JsonObject schema, string where, string attribute)
    {
        var type = schema["type"]!.GetValue<string>();
        return (value, type) switch
        {
            (string s, "string") => JsonValue.Create(s),
            (bool b, "boolean") => JsonValue.Create(b),
            (int i, "integer") => JsonValue.Create(i),
            (long l, "integer") => JsonValue.Create(l),
            _ => throw new InvalidOperationException($"{where}: {attribute} value {value ?? "null"} ({value?.GetType().Name ?? "null"}) does not fit a field of type {type}."),
        };
    }

    private static void Require(JsonObject schema, string type, string where, string attribute)
    {
        var actual = schema["type"]!.GetValue<string>();
        if (actual != type)
            throw Unsupported($"{where}: {attribute} on a field of type {actual}", $"it applies to {type} fields");
    }

    private static string AttributeName(object attribute)
    {
        var name = attribute.GetType().Name;
        return name.EndsWith("Attribute", StringComparison.Ordinal) ? name[..^"Attribute".Length] : name;
    }

    private static NotSupportedException Unsupported(string what, string advice) =>
        new($"{what} cannot be expressed in the CRD schema: {advice}.");
}
