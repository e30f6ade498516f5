using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.SsmDouble.Http;

/// <summary>Reading requests and writing values in SSM's JSON 1.1 shapes; a field of the wrong type is the SerializationException SSM answers.</summary>
internal static class SsmJson
{
    public static string? String(JsonObject request, string name) => request[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw WrongType(name, "a string"),
    };

    public static string RequiredString(JsonObject request, string name) =>
        String(request, name) is { Length: > 0 } value
            ? value
            : throw new SsmFault("ValidationException", $"1 validation error detected: Value null at '{char.ToLowerInvariant(name[0])}{name[1..]}' failed to satisfy constraint: Member must not be null");

    public static int? Int(JsonObject request, string name) => request[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) => number,
        _ => throw WrongType(name, "an integer"),
    };

    public static bool Bool(JsonObject request, string name) => request[name] switch
    {
        null => false,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw WrongType(name, "a boolean"),
    };

    public static List<string> StringList(JsonObject request, string name) => request[name] switch
    {
        null => [],
        JsonArray array => [.. array.Select((item, i) => item is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw WrongType($"{name}[{i}]", "a string"))],
        _ => throw WrongType(name, "a list of strings"),
    };

    /// <summary>SendCommand's Parameters: name → list of strings.</summary>
    public static Dictionary<string, IReadOnlyList<string>> Parameters(JsonObject request)
    {
        var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        switch (request["Parameters"])
        {
            case null:
                break;
            case JsonObject map:
                foreach (var (name, _) in map)
                {
                    parameters[name] = StringList(map, name);
                }

                break;
            default:
                throw WrongType("Parameters", "a map of string lists");
        }

        return parameters;
    }

    /// <summary>JSON 1.1 timestamps are seconds since the epoch, as a number.</summary>
    public static JsonNode Timestamp(DateTimeOffset time) => JsonValue.Create(time.ToUnixTimeMilliseconds() / 1000.0);

    /// <summary>GetCommandInvocation's execution times are strings, ISO 8601 in UTC.</summary>
    public static string DateText(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "";

    public static string ElapsedText(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? "PT" + (e - s).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "S" : "";

    public static JsonArray Array(IEnumerable<string> items) => [.. items.Select(i => (JsonNode)JsonValue.Create(i))];

    private static SsmFault WrongType(string name, string expected) =>
        new("SerializationException", $"{name} must be {expected}");
}
