using System.Reflection;
using System.Text.Json.Nodes;
using Shoal.Api.Schema;
using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Crds;

// apiextensions.k8s.io/v1 CustomResourceDefinitions from the Shoal.Api types, so the types are the one
// source of the API: the YAML in config/crd and the chart is this output, checked in.
internal static class CrdGenerator
{
    private static readonly string[] ColumnTypes = ["string", "integer", "number", "boolean", "date"];

    // Every [CustomResource] in Shoal.Api, in a stable order.
    public static IReadOnlyList<Type> ResourceTypes { get; } =
        [.. typeof(WellKnown).Assembly.GetExportedTypes()
            .Where(t => t.GetCustomAttribute<CustomResourceAttribute>() is not null)
            .OrderBy(t => t.GetCustomAttribute<CustomResourceAttribute>()!.Plural, StringComparer.Ordinal)];

    public static IReadOnlyList<GeneratedCrd> GenerateAll() => [.. ResourceTypes.Select(Generate)];

    public static GeneratedCrd Generate(Type resourceType)
    {
        var definition = Definition(resourceType);
        return new GeneratedCrd(resourceType, FileName(resourceType.GetCustomAttribute<CustomResourceAttribute>()!), definition, CrdYaml.Write(definition));
    }

    // Named like controller-gen's output (group_plural.yaml), which is what people look for in config/crd.
    public static string FileName(CustomResourceAttribute resource) => $"{resource.Group}_{resource.Plural}.yaml";

    public static JsonObject Definition(Type resourceType)
    {
        var resource = resourceType.GetCustomAttribute<CustomResourceAttribute>()
            ?? throw new ArgumentException($"{resourceType.Name} has no [CustomResource]; only root kinds become CRDs.", nameof(resourceType));
        CheckNames(resourceType, resource);

        var schema = new SchemaBuilder().ForResource(resourceType);
        var version = new JsonObject
        {
            ["name"] = resource.Version,
            ["served"] = true,
            ["storage"] = true,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = schema },
        };
        if (schema["properties"]?["status"] is not null)
            version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        var columns = resourceType.GetCustomAttributes<PrinterColumnAttribute>(inherit: false).ToList();
        if (columns.Count > 0)
            version["additionalPrinterColumns"] = new JsonArray([.. columns.Select(c => Column(resourceType, c, schema))]);

        var names = new JsonObject
        {
            ["kind"] = resource.Kind,
            ["listKind"] = resource.ListKind,
            ["plural"] = resource.Plural,
            ["singular"] = resource.Singular,
        };
        if (resource.ShortNames.Length > 0)
            names["shortNames"] = new JsonArray([.. resource.ShortNames.Select(n => JsonValue.Create(n))]);
        if (resource.Categories.Length > 0)
            names["categories"] = new JsonArray([.. resource.Categories.Select(c => JsonValue.Create(c))]);

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{resource.Plural}.{resource.Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = resource.Group,
                ["names"] = names,
                ["scope"] = resource.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new JsonArray(version),
            },
        };
    }

    private static void CheckNames(Type resourceType, CustomResourceAttribute resource)
    {
        foreach (var (field, value) in new[] { ("Plural", resource.Plural), ("Singular", resource.Singular), ("ListKind", resource.ListKind) })
        {
            if (string.IsNullOrEmpty(value))
                throw new InvalidOperationException($"[CustomResource] on {resourceType.Name} sets no {field}.");
        }

        // The kind and apiVersion a new object carries must be the ones the CRD registers, or the
        // operator would write objects the API server rejects.
        if (resourceType.GetConstructor(Type.EmptyTypes) is not null && Activator.CreateInstance(resourceType) is IResource fresh)
        {
            if (fresh.Kind != resource.Kind)
                throw new InvalidOperationException($"{resourceType.Name}.Kind starts as \"{fresh.Kind}\" but [CustomResource] registers \"{resource.Kind}\".");
            var apiVersion = $"{resource.Group}/{resource.Version}";
            if (fresh.ApiVersion != apiVersion)
                throw new InvalidOperationException($"{resourceType.Name}.ApiVersion starts as \"{fresh.ApiVersion}\" but [CustomResource] registers \"{apiVersion}\".");
        }
    }

    private static JsonObject Column(Type resourceType, PrinterColumnAttribute column, JsonObject schema)
    {
        var where = $"[PrinterColumn(\"{column.Name}\")] on {resourceType.Name}";
        if (!ColumnTypes.Contains(column.Type, StringComparer.Ordinal))
            throw new InvalidOperationException($"{where}: type \"{column.Type}\" is not a column type; use one of {string.Join(", ", ColumnTypes)}.");
        if (!PathExists(schema, column.JsonPath))
            throw new InvalidOperationException($"{where}: {column.JsonPath} names no field of the schema; the column would always be empty.");

        var node = new JsonObject
        {
            ["name"] = column.Name,
            ["type"] = column.Type,
            ["jsonPath"] = column.JsonPath,
        };
        if (column.Description is { } description)
            node["description"] = description;
        if (column.Priority != 0)
            node["priority"] = column.Priority;
        return node;
    }

    // Follows a printer column's simple JSONPath (.a.b, .list[...].c) through the schema. metadata is the
    // API server's and not described, so any path under it is accepted.
    private static bool PathExists(JsonObject schema, string jsonPath)
    {
        if (!jsonPath.StartsWith('.'))
            return false;
        JsonNode? node = schema;
        foreach (var segment in SplitPath(jsonPath[1..]))
        {
            if (segment == "metadata" && ReferenceEquals(node, schema))
                return true;
            if (segment == "[]")
                node = node?["items"];
            else
                node = node?["properties"]?[segment];
            if (node is null)
                return false;
        }
        return true;
    }

    private static IEnumerable<string> SplitPath(string path)
    {
        var start = 0;
        for (var i = 0; i <= path.Length; i++)
        {
            if (i == path.Length || path[i] == '.' || path[i] == '[')
            {
                if (i > start)
                    yield return path[start..i];
                if (i < path.Length && path[i] == '[')
                {
                    // A filter such as [?(@.type=="Ready")] may contain dots; skip to its closing bracket.
                    var close = path.IndexOf(']', i);
                    if (close < 0)
                    {
                        yield return "[unclosed";
                        yield break;
                    }
                    yield return "[]";
                    i = close;
                }
                start = i + 1;
            }
        }
    }
}
