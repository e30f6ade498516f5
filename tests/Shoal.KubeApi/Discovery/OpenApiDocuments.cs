using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Shoal.KubeApi.Resources;

namespace Shoal.KubeApi.Discovery;

/// <summary>
/// OpenAPI v3, one document per group-version. kubectl apply needs, for the kind it applies, a PATCH
/// operation tagged with x-kubernetes-group-version-kind that declares the fieldValidation query parameter;
/// without it kubectl falls back to /openapi/v2 (not served) and refuses. The CRD schema is included as a
/// component so that `kubectl explain` works too.
/// </summary>
internal static class OpenApiDocuments
{
    private const string ObjectMetaRef = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private const string PatchRef = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
    private const string StatusRef = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";

    public static string Key(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    public static JsonObject Root(IReadOnlyList<ResourceType> types)
    {
        var paths = new JsonObject();
        foreach (var gv in types.Select(t => (t.Group, t.Version)).Distinct().OrderBy(gv => Key(gv.Group, gv.Version), StringComparer.Ordinal))
        {
            var document = Document(types, gv.Group, gv.Version)!;
            paths[Key(gv.Group, gv.Version)] = new JsonObject
            {
                ["serverRelativeURL"] = $"/openapi/v3/{Key(gv.Group, gv.Version)}?hash={Hash(document)}",
            };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public static string Hash(JsonObject document)
        => Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(document.ToJsonString())));

    public static JsonObject? Document(IReadOnlyList<ResourceType> types, string group, string version)
    {
        var matching = types.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal).ToList();
        if (matching.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        var schemas = new JsonObject
        {
            [ObjectMetaRef] = new JsonObject { ["type"] = "object", ["description"] = "Standard object's metadata.", ["x-kubernetes-preserve-unknown-fields"] = true },
            [PatchRef] = new JsonObject { ["type"] = "object", ["description"] = "A patch body: merge patch, JSON patch or apply configuration." },
            [StatusRef] = new JsonObject { ["type"] = "object", ["description"] = "Status is a return value for calls that don't return other objects." },
        };
        foreach (var type in matching)
        {
            var schemaName = SchemaName(type);
            schemas[schemaName] = KindSchema(type);
            schemas[schemaName + "List"] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = $"{type.ListKind} is a list of {type.Kind}",
                ["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(type, type.ListKind)),
            };
            AddPaths(paths, type, schemaName);
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.4" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    /// <summary>"dev.shoal.testing.v1.Gadget": the reversed-domain naming of the real server's components.</summary>
    private static string SchemaName(ResourceType type)
        => type.Group.Length == 0
            ? $"io.k8s.api.core.{type.Version}.{type.Kind}"
            : $"{string.Join('.', type.Group.Split('.').Reverse())}.{type.Version}.{type.Kind}";

    private static JsonObject Gvk(ResourceType type, string kind)
        => new() { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = kind };

    private static JsonObject KindSchema(ResourceType type)
    {
        var schema = type.OpenApiSchema?.DeepClone() as JsonObject
            ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        if (schema["properties"] is not JsonObject properties)
        {
            properties = [];
            schema["properties"] = properties;
        }

        properties["apiVersion"] ??= new JsonObject { ["type"] = "string", ["description"] = "APIVersion defines the versioned schema of this representation of an object." };
        properties["kind"] ??= new JsonObject { ["type"] = "string", ["description"] = "Kind is a string value representing the REST resource this object represents." };
        properties["metadata"] = new JsonObject
        {
            ["description"] = "Standard object's metadata.",
            ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{ObjectMetaRef}" }),
        };
        schema["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(type, type.Kind));
        return schema;
    }

    private static void AddPaths(JsonObject paths, ResourceType type, string schemaName)
    {
        var prefix = type.Group.Length == 0 ? $"/api/{type.Version}" : $"/apis/{type.Group}/{type.Version}";
        var scope = type.Namespaced ? "Namespaced" : "";
        var collection = type.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{type.Plural}" : $"{prefix}/{type.Plural}";
        var item = $"{collection}/{{name}}";
        var kindRef = Ref(schemaName);
        var listRef = Ref(schemaName + "List");

        var collectionPath = new JsonObject
        {
            ["get"] = Operation(type, "list", $"list{scope}{type.Kind}", listRef, ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch", "timeoutSeconds", "allowWatchBookmarks"]),
            ["post"] = Operation(type, "post", $"create{scope}{type.Kind}", kindRef, ["dryRun", "fieldManager", "fieldValidation"], body: kindRef),
            ["delete"] = Operation(type, "deletecollection", $"deleteCollection{scope}{type.Kind}", Ref(StatusRef), ["labelSelector", "fieldSelector"]),
        };
        var itemPath = new JsonObject
        {
            ["get"] = Operation(type, "get", $"read{scope}{type.Kind}", kindRef, []),
            ["put"] = Operation(type, "put", $"replace{scope}{type.Kind}", kindRef, ["dryRun", "fieldManager", "fieldValidation"], body: kindRef),
            ["patch"] = Operation(type, "patch", $"patch{scope}{type.Kind}", kindRef, ["dryRun", "fieldManager", "fieldValidation", "force"], body: Ref(PatchRef), patch: true),
            ["delete"] = Operation(type, "delete", $"delete{scope}{type.Kind}", kindRef, ["dryRun", "gracePeriodSeconds", "propagationPolicy"]),
        };
        var pathParameters = new JsonArray();
        if (type.Namespaced)
        {
            pathParameters.Add(PathParameter("namespace", "object name and auth scope, such as for teams and projects"));
        }

        collectionPath["parameters"] = pathParameters.DeepClone();
        pathParameters.Add(PathParameter("name", $"name of the {type.Kind}"));
        itemPath["parameters"] = pathParameters.DeepClone();
        paths[collection] = collectionPath;
        paths[item] = itemPath;

        if (type.Namespaced)
        {
            paths[$"{prefix}/{type.Plural}"] = new JsonObject
            {
                ["get"] = Operation(type, "list", $"list{type.Kind}ForAllNamespaces", listRef, ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch", "timeoutSeconds", "allowWatchBookmarks"]),
            };
        }

        if (type.HasStatusSubresource)
        {
            paths[$"{item}/status"] = new JsonObject
            {
                ["get"] = Operation(type, "get", $"read{scope}{type.Kind}Status", kindRef, []),
                ["put"] = Operation(type, "put", $"replace{scope}{type.Kind}Status", kindRef, ["dryRun", "fieldManager", "fieldValidation"], body: kindRef),
                ["patch"] = Operation(type, "patch", $"patch{scope}{type.Kind}Status", kindRef, ["dryRun", "fieldManager", "fieldValidation", "force"], body: Ref(PatchRef), patch: true),
                ["parameters"] = pathParameters.DeepClone(),
            };
        }
    }

    private static JsonObject Ref(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };

    private static JsonObject PathParameter(string name, string description) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["description"] = description,
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static JsonObject Operation(ResourceType type, string action, string operationId, JsonObject response, string[] queryParameters,
        JsonObject? body = null, bool patch = false)
    {
        var parameters = new JsonArray();
        foreach (var name in queryParameters)
        {
            var isBoolean = name is "watch" or "allowWatchBookmarks" or "force";
            var isInteger = name is "limit" or "timeoutSeconds" or "gracePeriodSeconds";
            parameters.Add(new JsonObject
            {
                ["name"] = name,
                ["in"] = "query",
                ["description"] = name == "fieldValidation"
                    ? "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn (default), Strict."
                    : name,
                ["schema"] = new JsonObject { ["type"] = isBoolean ? "boolean" : isInteger ? "integer" : "string", ["uniqueItems"] = true },
            });
        }

        var operation = new JsonObject
        {
            ["tags"] = new JsonArray(type.Group.Length == 0 ? $"core_{type.Version}" : $"{type.Group}_{type.Version}"),
            ["description"] = $"{action} {type.Kind}",
            ["operationId"] = operationId,
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = response.DeepClone() } },
                },
            },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = Gvk(type, type.Kind),
        };
        if (body is not null)
        {
            // Strategic merge patch is deliberately not offered: kubectl would then need strategic-merge
            // metadata in the schemas. Without it kubectl sends a JSON merge patch, as it does for CRDs.
            string[] contentTypes = patch
                ? ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"]
                : ["application/json"];
            var content = new JsonObject();
            foreach (var contentType in contentTypes)
            {
                content[contentType] = new JsonObject { ["schema"] = body.DeepClone() };
            }

            operation["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
        }

        return operation;
    }
}
