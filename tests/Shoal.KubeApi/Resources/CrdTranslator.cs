using System.Text.Json;
using System.Text.Json.Nodes;
using Shoal.KubeApi.Schema;
using Shoal.KubeApi.Storage;
using Shoal.KubeApi.Tables;

namespace Shoal.KubeApi.Resources;

/// <summary>Turns an apiextensions.k8s.io/v1 CustomResourceDefinition into the resource types it serves.</summary>
internal static class CrdTranslator
{
    private static readonly string[] ColumnTypes = ["integer", "number", "string", "boolean", "date"];

    /// <summary>Fills the defaults the real server fills (singular, listKind) so that stored CRDs read the same.</summary>
    public static void ApplyDefaults(JsonObject crd)
    {
        if (crd["spec"]?["names"] is JsonObject names && Json.Str(names["kind"]) is { Length: > 0 } kind)
        {
            if (string.IsNullOrEmpty(Json.Str(names["singular"])))
            {
                names["singular"] = kind.ToLowerInvariant();
            }

            if (string.IsNullOrEmpty(Json.Str(names["listKind"])))
            {
                names["listKind"] = kind + "List";
            }
        }

        if (crd["spec"] is JsonObject spec && spec["conversion"] is null)
        {
            spec["conversion"] = new JsonObject { ["strategy"] = "None" };
        }
    }

    public static List<FieldError> Validate(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject;
        if (spec is null)
        {
            errors.Add(FieldError.Required("spec"));
            return errors;
        }

        var group = Json.Str(spec["group"]) ?? "";
        var plural = Json.Str(spec["names"]?["plural"]) ?? "";
        if (group.Length == 0)
        {
            errors.Add(FieldError.Required("spec.group"));
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid("spec.group", spec["group"], "should be a domain with at least one dot"));
        }

        if (plural.Length == 0)
        {
            errors.Add(FieldError.Required("spec.names.plural"));
        }

        if (string.IsNullOrEmpty(Json.Str(spec["names"]?["kind"])))
        {
            errors.Add(FieldError.Required("spec.names.kind"));
        }

        var name = Json.Name(crd);
        if (group.Length > 0 && plural.Length > 0 && name != $"{plural}.{group}")
        {
            errors.Add(FieldError.Invalid("metadata.name", JsonValue.Create(name), "must be spec.names.plural+\".\"+spec.group"));
        }

        var scope = Json.Str(spec["scope"]);
        if (scope is not ("Namespaced" or "Cluster"))
        {
            errors.Add(scope is null
                ? FieldError.Required("spec.scope")
                : FieldError.NotSupported("spec.scope", spec["scope"], ["Cluster", "Namespaced"]));
        }

        var versions = spec["versions"] as JsonArray ?? [];
        if (versions.Count == 0)
        {
            errors.Add(FieldError.Invalid("spec.versions", spec["versions"], "must have exactly one version marked as storage version"));
        }
        else if (versions.Count(v => v?["storage"]?.GetValueKind() == JsonValueKind.True) != 1)
        {
            errors.Add(FieldError.Invalid("spec.versions", JsonValue.Create(versions.Count), "must have exactly one version marked as storage version"));
        }

        for (var i = 0; i < versions.Count; i++)
        {
            ValidateVersion(versions[i] as JsonObject, $"spec.versions[{i}]", errors);
        }

        return errors;
    }

    private static void ValidateVersion(JsonObject? version, string path, List<FieldError> errors)
    {
        if (version is null || string.IsNullOrEmpty(Json.Str(version["name"])))
        {
            errors.Add(FieldError.Required($"{path}.name"));
            return;
        }

        if (version["schema"]?["openAPIV3Schema"] is not JsonObject)
        {
            errors.Add(FieldError.Required($"{path}.schema.openAPIV3Schema", "schemas are required"));
        }

        var columns = version["additionalPrinterColumns"] as JsonArray ?? [];
        for (var c = 0; c < columns.Count; c++)
        {
            var column = columns[c] as JsonObject ?? [];
            var columnPath = $"{path}.additionalPrinterColumns[{c}]";
            var type = Json.Str(column["type"]);
            if (type is null || !ColumnTypes.Contains(type))
            {
                errors.Add(FieldError.NotSupported($"{columnPath}.type", column["type"], ColumnTypes));
            }

            var jsonPath = Json.Str(column["jsonPath"]);
            if (jsonPath is null)
            {
                errors.Add(FieldError.Required($"{columnPath}.jsonPath"));
                continue;
            }

            try
            {
                JsonPathExpression.Parse(jsonPath);
            }
            catch (FormatException e)
            {
                errors.Add(FieldError.Invalid($"{columnPath}.jsonPath", column["jsonPath"], e.Message));
            }
        }
    }

    /// <summary>The served versions of a valid CRD as resource types.</summary>
    public static List<ResourceType> Translate(JsonObject crd)
    {
        var spec = (JsonObject)crd["spec"]!;
        var names = (JsonObject)spec["names"]!;
        var kind = Json.Str(names["kind"])!;
        var result = new List<ResourceType>();
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (version["served"]?.GetValueKind() == JsonValueKind.False)
            {
                continue;
            }

            var schema = (JsonObject)version["schema"]!["openAPIV3Schema"]!.DeepClone();
            result.Add(new ResourceType
            {
                Group = Json.Str(spec["group"])!,
                Version = Json.Str(version["name"])!,
                Plural = Json.Str(names["plural"])!,
                Singular = Json.Str(names["singular"]) ?? kind.ToLowerInvariant(),
                Kind = kind,
                ListKind = Json.Str(names["listKind"]) ?? kind + "List",
                Namespaced = Json.Str(spec["scope"]) == "Namespaced",
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                HasStatusSubresource = version["subresources"]?["status"] is JsonObject,
                Columns = Columns(version),
                Schema = new StructuralSchema(schema),
                OpenApiSchema = schema,
                HasGeneration = true,
                NameRule = NameRule.Subdomain,
                DefinedBy = Json.Name(crd),
            });
        }

        // Discovery lists the storage version first, as the real server's preferred version.
        var storage = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(v => v["storage"]?.GetValueKind() == JsonValueKind.True);
        return [.. result.OrderBy(t => t.Version == Json.Str(storage?["name"]) ? 0 : 1)];
    }

    private static List<TableColumn> Columns(JsonObject version)
    {
        var columns = new List<TableColumn> { TableRenderer.NameColumn };
        if (version["additionalPrinterColumns"] is not JsonArray { Count: > 0 } printerColumns)
        {
            columns.Add(TableRenderer.AgeColumn);
            return columns;
        }

        foreach (var column in printerColumns.OfType<JsonObject>())
        {
            columns.Add(TableRenderer.FromPrinterColumn(
                Json.Str(column["name"]) ?? "",
                Json.Str(column["type"]) ?? "string",
                Json.Str(column["format"]) ?? "",
                Json.Str(column["description"]) ?? "",
                (int)Json.Long(column["priority"]),
                Json.Str(column["jsonPath"]) ?? ""));
        }

        return columns;
    }

    private static List<string> Strings(JsonNode? node) => (node as JsonArray)?.Select(Json.Str).OfType<string>().ToList() ?? [];

    /// <summary>The status a real server reports once names are accepted and the CRD is established.</summary>
    public static JsonObject Status(JsonObject crd, JsonObject? previousStatus, string? conflictWith, string now)
    {
        var spec = (JsonObject)crd["spec"]!;
        var accepted = conflictWith is null;
        var previousConditions = previousStatus?["conditions"] as JsonArray ?? [];

        JsonObject Condition(string type, bool ok, string reason, string message)
        {
            var status = ok ? "True" : "False";
            var previous = previousConditions.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == type);
            var since = previous is not null && Json.Str(previous["status"]) == status
                ? Json.Str(previous["lastTransitionTime"]) ?? now
                : now;
            return new JsonObject
            {
                ["type"] = type,
                ["status"] = status,
                ["lastTransitionTime"] = since,
                ["reason"] = reason,
                ["message"] = message,
            };
        }

        var storedVersions = new JsonArray();
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>()
                     .Where(v => v["storage"]?.GetValueKind() == JsonValueKind.True))
        {
            storedVersions.Add(Json.Str(version["name"]));
        }

        return new JsonObject
        {
            ["acceptedNames"] = accepted ? spec["names"]!.DeepClone() : new JsonObject { ["kind"] = "", ["plural"] = "" },
            ["conditions"] = new JsonArray
            {
                accepted
                    ? Condition("NamesAccepted", true, "NoConflicts", "no conflicts found")
                    : Condition("NamesAccepted", false, "AllNamesConflict", $"names are already in use by {conflictWith}"),
                accepted
                    ? Condition("Established", true, "InitialNamesAccepted", "the initial names have been accepted")
                    : Condition("Established", false, "NotAccepted", "not all names are accepted"),
            },
            ["storedVersions"] = storedVersions,
        };
    }
}
