using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.Deploy.Tests.ArgoCd;

// A Kubernetes object (JSON) as a Lua table constructor, the way Argo CD hands `obj` to a health script:
// objects become tables with string keys, arrays become sequences, JSON null is left out (Lua tables hold
// no nil), integral numbers stay integers so a script printing a generation shows "3", not "3.0".
internal static class LuaLiteral
{
    public static string From(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("nil");
                break;
            case JsonObject map:
                text.Append('{');
                foreach (var (key, value) in map)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    text.Append('[');
                    WriteString(key, text);
                    text.Append("]=");
                    Write(value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonArray list:
                text.Append('{');
                foreach (var item in list)
                {
                    if (item is null)
                    {
                        throw new NotSupportedException("a null inside a JSON array has no Lua sequence equivalent; leave it out of the fixture");
                    }

                    Write(item, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonValue value:
                WriteValue(value, text);
                break;
            default:
                throw new NotSupportedException($"unexpected JSON node {node.GetType().Name}");
        }
    }

    private static void WriteValue(JsonValue value, StringBuilder text)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(value.GetValue<string>(), text);
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Number:
                // Read back from JSON text: the node may hold an int, a long, a double or a JsonElement.
                using (var number = JsonDocument.Parse(value.ToJsonString()))
                {
                    text.Append(number.RootElement.TryGetInt64(out var integer)
                        ? integer.ToString(CultureInfo.InvariantCulture)
                        : number.RootElement.GetDouble().ToString("R", CultureInfo.InvariantCulture));
                }

                break;
            default:
                throw new NotSupportedException($"unexpected JSON value kind {value.GetValueKind()}");
        }
    }

    // Lua strings are bytes: everything outside printable ASCII goes as a decimal escape of its UTF-8 bytes.
    private static void WriteString(string value, StringBuilder text)
    {
        text.Append('"');
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            switch (b)
            {
                case (byte)'"':
                    text.Append("\\\"");
                    break;
                case (byte)'\\':
                    text.Append("\\\\");
                    break;
                case >= 0x20 and < 0x7f:
                    text.Append((char)b);
                    break;
                default:
                    text.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
                    break;
            }
        }

        text.Append('"');
    }
}
