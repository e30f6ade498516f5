using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Shoal.Cli.Manifests;

// Binds YAML nodes onto the Shoal.Api types by their JSON names, the way the API server would decode
// them: strict types (a quoted "4" is not an integer), unknown fields rejected. Driven by the types
// themselves so a field added to Shoal.Api is accepted here without a second list to keep in step.
// Every problem is reported and binding continues, so one run shows them all.
internal sealed partial class YamlBinder(DocumentDiagnostics diagnostics)
{
    private const string StrTag = "tag:yaml.org,2002:str";

    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, PropertyInfo>> FieldsByType = new();

    public T? BindObject<T>(YamlNode node, string path, IReadOnlySet<string>? tolerated = null)
        where T : class, new() =>
        (T?)BindObject(node, typeof(T), path, tolerated);

    public static ScalarKind KindOf(YamlScalarNode scalar)
    {
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == StrTag))
            return ScalarKind.String;
        var text = scalar.Value ?? "";
        if (text is "" or "~" or "null" or "Null" or "NULL")
            return ScalarKind.Null;
        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
            return ScalarKind.Bool;
        if (IntegerPattern().IsMatch(text))
            return ScalarKind.Integer;
        if (FloatPattern().IsMatch(text))
            return ScalarKind.Float;
        return ScalarKind.String;
    }

    public static bool IsNull(YamlNode node) => node is YamlScalarNode scalar && KindOf(scalar) == ScalarKind.Null;

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => KindOf(s) switch
        {
            ScalarKind.Null => "null",
            ScalarKind.String => $"\"{s.Value}\"",
            _ => s.Value ?? "",
        },
        _ => "an unsupported YAML node",
    };

    public static string Join(string parent, string key)
    {
        var segment = SimpleKeyPattern().IsMatch(key) ? key : $"[\"{key}\"]";
        if (parent.Length == 0)
            return segment;
        return segment.StartsWith('[') ? parent + segment : parent + "." + segment;
    }

    private object? Bind(YamlNode node, Type type, string path)
    {
        if (IsNull(node))
            return null;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
            return BindString(node, path);
        if (target == typeof(int) || target == typeof(long))
            return BindInteger(node, target, path);
        if (target == typeof(bool))
            return BindBool(node, path);
        if (target == typeof(DateTimeOffset))
            return BindTimestamp(node, path);
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(IList<>))
            return BindList(node, target.GetGenericArguments()[0], path);
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(IDictionary<,>))
            return BindMap(node, target.GetGenericArguments()[1], path);
        if (target.IsClass)
            return BindObject(node, target, path, tolerated: null);
        throw new NotSupportedException($"Manifest binding does not support {target} ({path}); add it to {nameof(YamlBinder)}.");
    }

    private string? BindString(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar)
        {
            var kind = KindOf(scalar);
            if (kind == ScalarKind.String)
                return scalar.Value ?? "";
            diagnostics.Error($"{path} must be a string, got {scalar.Value}; quote it (\"{scalar.Value}\") to use it as text");
            return null;
        }
        diagnostics.Error($"{path} must be a string, got {Describe(node)}");
        return null;
    }

    private object? BindInteger(YamlNode node, Type target, string path)
    {
        if (node is YamlScalarNode scalar && KindOf(scalar) == ScalarKind.Integer)
        {
            var text = scalar.Value!;
            if (target == typeof(int) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small))
                return small;
            if (target == typeof(long) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var large))
                return large;
            diagnostics.Error($"{path} must be an integer between {(target == typeof(int) ? int.MinValue : long.MinValue)} and {(target == typeof(int) ? int.MaxValue : long.MaxValue)}, got {text}");
            return null;
        }
        var hint = node is YamlScalarNode { Style: not ScalarStyle.Plain } quoted && IntegerPattern().IsMatch(quoted.Value ?? "")
            ? " (a quoted string; remove the quotes)"
            : "";
        diagnostics.Error($"{path} must be an integer, got {Describe(node)}{hint}");
        return null;
    }

    private object? BindBool(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && KindOf(scalar) == ScalarKind.Bool)
            return scalar.Value!.Equals("true", StringComparison.OrdinalIgnoreCase);
        diagnostics.Error($"{path} must be true or false, got {Describe(node)}");
        return null;
    }

    private object? BindTimestamp(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && KindOf(scalar) == ScalarKind.String
            && DateTimeOffset.TryParse(scalar.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time;
        diagnostics.Error($"{path} must be an RFC 3339 timestamp such as 2025-01-31T12:00:00Z, got {Describe(node)}");
        return null;
    }

    private object? BindList(YamlNode node, Type itemType, string path)
    {
        if (node is not YamlSequenceNode sequence)
        {
            diagnostics.Error($"{path} must be a list, got {Describe(node)}");
            return null;
        }
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
        var index = 0;
        foreach (var child in sequence.Children)
        {
            var itemPath = $"{path}[{index++}]";
            if (IsNull(child))
            {
                diagnostics.Error($"{itemPath} must not be empty");
                continue;
            }
            var item = Bind(child, itemType, itemPath);
            if (item is not null)
                list.Add(item);
        }
        return list;
    }

    private object? BindMap(YamlNode node, Type valueType, string path)
    {
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error($"{path} must be a mapping of names to values, got {Describe(node)}");
            return null;
        }
        var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                diagnostics.Error($"{path} has a key that is {Describe(keyNode)}; keys must be plain names");
                continue;
            }
            var valuePath = Join(path, key);
            if (IsNull(valueNode))
            {
                diagnostics.Error($"{valuePath} must not be empty; use \"\" for an empty value");
                continue;
            }
            var value = Bind(valueNode, valueType, valuePath);
            if (value is not null)
                map[key] = value;
        }
        return map;
    }

    private object? BindObject(YamlNode node, Type type, string path, IReadOnlySet<string>? tolerated)
    {
        var fields = FieldsOf(type);
        if (IsNull(node))
            return null;
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Error($"{path} must be a mapping with fields {string.Join(", ", fields.Keys)}; got {Describe(node)}");
            return null;
        }
        var instance = Activator.CreateInstance(type)!;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                diagnostics.Error($"{path} has a key that is {Describe(keyNode)}; keys must be field names");
                continue;
            }
            if (!fields.TryGetValue(key, out var property))
            {
                if (tolerated?.Contains(key) != true)
                    diagnostics.Error(UnknownField(Join(path, key), key, fields.Keys));
                continue;
            }
            // An explicit null keeps the default, as the API server's defaulting would.
            var value = Bind(valueNode, property.PropertyType, Join(path, key));
            if (value is not null)
                property.SetValue(instance, value);
        }
        return instance;
    }

    public static string UnknownField(string fieldPath, string key, IEnumerable<string> known)
    {
        var candidates = known.ToList();
        var closest = candidates
            .Select(c => (Name: c, Distance: Distance(key.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, key.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
        return closest is not null
            ? $"unknown field \"{fieldPath}\"; did you mean \"{closest}\"?"
            : $"unknown field \"{fieldPath}\"; expected one of {string.Join(", ", candidates)}";
    }

    private static IReadOnlyDictionary<string, PropertyInfo> FieldsOf(Type type) =>
        FieldsByType.GetOrAdd(type, static t => t
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
            .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, StringComparer.Ordinal));

    // Levenshtein distance, for "did you mean": typos in field names are the most common manifest error.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SimpleKeyPattern();
}
