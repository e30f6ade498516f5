using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.KubeApi.Storage;

/// <summary>Small accessors over System.Text.Json nodes: objects stay untyped JSON end to end.</summary>
internal static class Json
{
    // Quotes stay \" (not \u0022) as the real server writes them; nothing here is embedded in HTML.
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = new JsonObject();
        obj["metadata"] = metadata;
        return metadata;
    }

    public static string? Str(JsonNode? node)
        => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static string? Str(JsonObject obj, params string[] path)
    {
        JsonNode? node = obj;
        foreach (var segment in path)
        {
            node = (node as JsonObject)?[segment];
        }

        return Str(node);
    }

    public static string Name(JsonObject obj) => Str(obj, "metadata", "name") ?? "";

    public static string? Namespace(JsonObject obj) => Str(obj, "metadata", "namespace");

    public static long ResourceVersion(JsonObject obj)
        => long.TryParse(Str(obj, "metadata", "resourceVersion"), out var rv) ? rv : 0;

    public static IReadOnlyList<string> Finalizers(JsonObject obj)
        => (Metadata(obj)["finalizers"] as JsonArray)?.Select(Str).OfType<string>().ToList() ?? [];

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((obj["metadata"] as JsonObject)?["labels"] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                result[key] = Str(value) ?? value?.ToJsonString() ?? "";
            }
        }

        return result;
    }

    public static JsonObject ParseObject(ReadOnlySpan<byte> body)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw Http.ApiException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }

        return node as JsonObject
            ?? throw Http.ApiException.BadRequest("the request body must be a JSON object (a Kubernetes resource)");
    }

    /// <summary>Formats a timestamp the way Kubernetes serialises metav1.Time: RFC 3339, whole seconds, UTC.</summary>
    public static string Timestamp(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParseTimestamp(string? text, out DateTimeOffset time)
        => DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>The kind of a JSON value as the API server names it in validation messages.</summary>
    public static string TypeName(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "string",
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValue v when IsInteger(v) => "integer",
        _ => "number",
    };

    public static bool IsInteger(JsonValue value)
    {
        if (value.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        var text = value.ToJsonString();
        return !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An integer however it was created (parsed JSON or a CLR int/long); 0 when absent.</summary>
    public static long Long(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return 0;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        return long.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out l) ? l : 0;
    }

    /// <summary>Any JSON number as a double, however the node was created (parsed, or a CLR int/long/double).</summary>
    public static bool TryGetDouble(JsonNode? node, out double number)
    {
        number = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out number);
    }
}
