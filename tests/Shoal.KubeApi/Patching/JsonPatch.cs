using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.KubeApi.Patching;

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy and test, with RFC 6901 pointers.</summary>
internal static class JsonPatch
{
    /// <summary>Applies the operations in order; throws PatchException with a reason on the first failure.</summary>
    public static JsonNode Apply(JsonNode document, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw new PatchException("a JSON patch must be an array of operations");
        }

        var root = document;
        foreach (var operationNode in operations)
        {
            if (operationNode is not JsonObject operation)
            {
                throw new PatchException("each JSON patch operation must be an object");
            }

            var op = (string?)operation["op"] ?? throw new PatchException("operation has no \"op\"");
            var path = (string?)operation["path"] ?? throw new PatchException($"{op} operation has no \"path\"");
            switch (op)
            {
                case "add":
                    root = Add(root, path, Value(operation, op));
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    root = Add(root, path, Value(operation, op));
                    break;
                case "move":
                    var from = (string?)operation["from"] ?? throw new PatchException("move operation has no \"from\"");
                    var moved = Get(root, from);
                    Remove(root, from);
                    root = Add(root, path, moved);
                    break;
                case "copy":
                    var source = (string?)operation["from"] ?? throw new PatchException("copy operation has no \"from\"");
                    root = Add(root, path, Get(root, source)?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), Value(operation, op)))
                    {
                        throw new PatchException($"testing value {path} failed");
                    }

                    break;
                default:
                    throw new PatchException($"Unexpected kind: {op}");
            }
        }

        return root;
    }

    private static JsonNode? Value(JsonObject operation, string op)
        => operation.TryGetPropertyValue("value", out var value)
            ? value?.DeepClone()
            : throw new PatchException($"{op} operation does not apply: \"value\" is missing");

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new PatchException($"JSON pointer \"{pointer}\" must start with /");
        }

        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static JsonNode? Get(JsonNode root, string pointer)
    {
        JsonNode? node = root;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => throw new PatchException($"doc is missing path: {pointer}"),
            };
        }

        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0)
        {
            throw new PatchException("the whole document cannot be the target of this operation");
        }

        var parentPointer = "/" + string.Join("/", tokens.Take(tokens.Count - 1).Select(t => t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        var parent = tokens.Count == 1 ? root : Get(root, parentPointer);
        return (parent ?? throw new PatchException($"doc is missing path: {pointer}"), tokens[^1]);
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value)
    {
        if (pointer.Length == 0)
        {
            return value ?? throw new PatchException("cannot replace the document with null");
        }

        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= array.Count:
                array.Insert(i, value);
                break;
            default:
                throw new PatchException($"add operation does not apply: doc is missing path: \"{pointer}\"");
        }

        return root;
    }

    private static void Remove(JsonNode root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        var removed = parent switch
        {
            JsonObject obj => obj.Remove(last),
            JsonArray array when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count
                => RemoveAt(array, i),
            _ => false,
        };
        if (!removed)
        {
            throw new PatchException($"remove operation does not apply: doc is missing path: \"{pointer}\"");
        }
    }

    private static bool RemoveAt(JsonArray array, int index)
    {
        array.RemoveAt(index);
        return true;
    }

    /// <summary>Parses a JSON patch body; a body that is not JSON is the caller's 400.</summary>
    public static JsonNode? Parse(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw new PatchException($"the patch is not valid JSON: {e.Message}");
        }
    }
}
