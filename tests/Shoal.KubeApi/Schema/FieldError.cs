using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.KubeApi.Schema;

/// <summary>
/// One validation failure, rendered like apimachinery's field.Error so that messages read exactly as a
/// real API server's do: "spec.size: Invalid value: -1: spec.size in body should be greater than or equal to 0".
/// </summary>
internal sealed record FieldError(string Field, string Type, string Reason, string? Value, string Detail)
{
    public string Body
    {
        get
        {
            var text = Value is null ? Type : $"{Type}: {Value}";
            return Detail.Length == 0 ? text : $"{text}: {Detail}";
        }
    }

    public override string ToString() => $"{Field}: {Body}";

    public static FieldError Invalid(string field, JsonNode? value, string detail)
        => new(field, "Invalid value", "FieldValueInvalid", Render(value), detail);

    public static FieldError TypeInvalid(string field, JsonNode? value, string detail)
        => new(field, "Invalid value", "FieldValueTypeInvalid", Render(value), detail);

    public static FieldError Required(string field, string detail = "")
        => new(field, "Required value", "FieldValueRequired", null, detail);

    public static FieldError Forbidden(string field, string detail)
        => new(field, "Forbidden", "FieldValueForbidden", null, detail);

    public static FieldError NotSupported(string field, JsonNode? value, IEnumerable<string> supported)
        => new(field, "Unsupported value", "FieldValueNotSupported", Render(value),
            "supported values: " + string.Join(", ", supported.Select(Quote)));

    public static FieldError TooLong(string field, long max)
        => new(field, "Too long", "FieldValueTooLong", null, $"may not be more than {max} {(max == 1 ? "byte" : "bytes")}");

    public static FieldError TooMany(string field, int actual, long max)
        => new(field, "Too many", "FieldValueTooMany", actual.ToString(CultureInfo.InvariantCulture), $"must have at most {max} items");

    /// <summary>Go's %v for numbers and booleans, %q for strings; objects and arrays as compact JSON.</summary>
    public static string Render(JsonNode? value) => value switch
    {
        null => "\"null\"",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        JsonValue v => v.ToJsonString(),
        _ => value.ToJsonString(),
    };

    /// <summary>Go's strconv.Quote for the characters that show up in practice.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                < ' ' => builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }
}
