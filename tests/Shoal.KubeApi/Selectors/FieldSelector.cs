using System.Text.Json.Nodes;
using Shoal.KubeApi.Http;
using Shoal.KubeApi.Resources;
using Shoal.KubeApi.Storage;

namespace Shoal.KubeApi.Selectors;

/// <summary>
/// A field selector ("metadata.name=x,metadata.namespace!=y"). Only the fields the real server indexes for
/// the type are accepted; kubectl's delete-and-wait uses metadata.name, `kubectl describe` uses the event ones.
/// </summary>
internal sealed class FieldSelector
{
    private readonly List<(string Field, bool Equal, string Value)> terms;

    private FieldSelector(List<(string Field, bool Equal, string Value)> terms)
    {
        this.terms = terms;
    }

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        var terms = new List<(string, bool, string)>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return new FieldSelector(terms);
        }

        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var notEqual = part.IndexOf("!=", StringComparison.Ordinal);
            var doubleEqual = part.IndexOf("==", StringComparison.Ordinal);
            var equal = part.IndexOf('=', StringComparison.Ordinal);
            var (field, isEqual, value) = notEqual > 0 ? (part[..notEqual], false, part[(notEqual + 2)..])
                : doubleEqual > 0 ? (part[..doubleEqual], true, part[(doubleEqual + 2)..])
                : equal > 0 ? (part[..equal], true, part[(equal + 1)..])
                : throw ApiException.BadRequest($"invalid field selector \"{text}\": expected field=value or field!=value");
            field = field.Trim();
            if (field is not ("metadata.name" or "metadata.namespace") && !type.ExtraFieldSelectors.Contains(field))
            {
                var known = string.Join(", ", new[] { "metadata.name", "metadata.namespace" }.Concat(type.ExtraFieldSelectors).Select(f => $"\"{f}\""));
                throw ApiException.BadRequest($"\"{field}\" is not a known field selector: only {known}");
            }

            terms.Add((field, isEqual, value.Trim()));
        }

        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject obj)
        => terms.All(t => (Value(obj, t.Field) == t.Value) == t.Equal);

    private static string Value(JsonObject obj, string field)
    {
        var path = field == "source" ? ["source", "component"] : field.Split('.');
        JsonNode? node = obj;
        foreach (var segment in path)
        {
            node = (node as JsonObject)?[segment];
        }

        return Json.Str(node) ?? node?.ToJsonString() ?? "";
    }
}
