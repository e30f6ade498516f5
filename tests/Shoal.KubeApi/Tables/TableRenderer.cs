using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shoal.KubeApi.Resources;
using Shoal.KubeApi.Storage;

namespace Shoal.KubeApi.Tables;

/// <summary>
/// Builds meta.k8s.io/v1 Table answers, what `kubectl get` asks for. kubectl prints the cells verbatim,
/// so the server renders them: ages as "5m", missing values as null (kubectl shows &lt;none&gt;).
/// </summary>
internal static class TableRenderer
{
    private const string NameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    public static TableColumn NameColumn { get; } =
        new("Name", "string", "name", NameDescription, 0, (obj, _) => JsonValue.Create(Json.Name(obj)));

    public static TableColumn AgeColumn { get; } =
        new("Age", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0,
            (obj, now) => Age(Json.Str(obj, "metadata", "creationTimestamp"), now));

    public static JsonObject Render(ResourceType type, IEnumerable<JsonObject> objects, DateTimeOffset now, string includeObject,
        JsonObject listMetadata, bool withColumns = true)
    {
        var columns = Columns(type);
        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = listMetadata,
        };
        var definitions = new JsonArray();
        if (withColumns)
        {
            foreach (var column in columns)
            {
                definitions.Add(new JsonObject
                {
                    ["name"] = column.Name,
                    ["type"] = column.Type,
                    ["format"] = column.Format,
                    ["description"] = column.Description,
                    ["priority"] = column.Priority,
                });
            }
        }

        table["columnDefinitions"] = definitions;
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var column in columns)
            {
                cells.Add(column.Cell(obj, now));
            }

            var row = new JsonObject { ["cells"] = cells };
            var embedded = EmbeddedObject(obj, includeObject);
            if (embedded is not null)
            {
                row["object"] = embedded;
            }

            rows.Add(row);
        }

        table["rows"] = rows;
        return table;
    }

    private static IReadOnlyList<TableColumn> Columns(ResourceType type) => type.Columns;

    private static JsonObject? EmbeddedObject(JsonObject obj, string includeObject) => includeObject switch
    {
        "None" => null,
        "Object" => (JsonObject)obj.DeepClone(),
        _ => new JsonObject
        {
            ["kind"] = "PartialObjectMetadata",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = (obj["metadata"] ?? new JsonObject()).DeepClone(),
        },
    };

    public static JsonNode? Age(string? timestamp, DateTimeOffset now)
        => Json.TryParseTimestamp(timestamp, out var time) ? JsonValue.Create(HumanDuration.Format(now - time)) : null;

    /// <summary>
    /// A column from a CRD's additionalPrinterColumns, rendered as apiextensions' table convertor does: only
    /// the first match counts; string columns print it as text (objects as JSON), integer/number/boolean
    /// columns keep typed values (integers truncate floats), dates become ages; anything missing or of the
    /// wrong type is null.
    /// </summary>
    public static TableColumn FromPrinterColumn(string name, string type, string format, string description, int priority, string jsonPath)
    {
        var path = JsonPathExpression.Parse(jsonPath);
        if (description.Length == 0)
        {
            description = $"Custom resource definition column (in JSONPath format): {jsonPath}";
        }

        return new TableColumn(name, type, format, description, priority, (obj, now) =>
        {
            var found = path.Evaluate(obj);
            if (found.Count == 0 || found[0] is not { } first)
            {
                return null;
            }

            var isNumber = Json.TryGetDouble(first, out var number);
            return type switch
            {
                "string" => JsonValue.Create(Text(first)),
                "integer" when isNumber => JsonValue.Create((long)number),
                "number" when isNumber => JsonValue.Create(number),
                "boolean" when first.GetValueKind() is JsonValueKind.True or JsonValueKind.False => first.DeepClone(),
                "date" when Json.Str(first) is { } text => Json.TryParseTimestamp(text, out var time)
                    ? JsonValue.Create(HumanDuration.Format(now - time))
                    : JsonValue.Create("<invalid>"),
                _ => null,
            };
        });
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when Json.TryGetDouble(v, out var d) && !Json.IsInteger(v) => d.ToString(CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };
}
