using Shoal.KubeApi.Schema;

namespace Shoal.KubeApi.Resources;

/// <summary>
/// One served resource at one version: what discovery, OpenAPI, tables and the storage rules need to know.
/// Built-in types are declared in <see cref="BuiltInTypes"/>; custom ones come from a CRD, one per served version.
/// </summary>
internal sealed class ResourceType
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required string Kind { get; init; }

    public required string ListKind { get; init; }

    public required bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public bool HasStatusSubresource { get; init; }

    /// <summary>Server-side table columns, Name included (for CRDs: Name, then additionalPrinterColumns or Age).</summary>
    public IReadOnlyList<TableColumn> Columns { get; init; } = [];

    /// <summary>Set for custom resources: pruning, defaulting and validation come from it.</summary>
    public StructuralSchema? Schema { get; init; }

    /// <summary>Raw openAPIV3Schema, served through /openapi/v3 for kubectl explain.</summary>
    public System.Text.Json.Nodes.JsonObject? OpenApiSchema { get; init; }

    /// <summary>metadata.generation is tracked (custom resources and CRDs, not leases or events).</summary>
    public bool HasGeneration { get; init; }

    /// <summary>A PUT without metadata.resourceVersion is allowed (built-ins); custom resources refuse it.</summary>
    public bool AllowUnconditionalUpdate { get; init; }

    public NameRule NameRule { get; init; } = NameRule.PathSegment;

    /// <summary>Field selector labels accepted besides metadata.name and metadata.namespace.</summary>
    public IReadOnlyList<string> ExtraFieldSelectors { get; init; } = [];

    /// <summary>The CRD that declared this type, or null for built-ins.</summary>
    public string? DefinedBy { get; init; }

    public IResourceHooks? Hooks { get; set; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>"workerpools.shoal.dev", or just "namespaces" in the core group: the form errors use.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>"WorkerPool.shoal.dev": the form 422 messages use.</summary>
    public string GroupKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    /// <summary>All versions of one group/resource share one storage collection (conversion strategy None).</summary>
    public string StorageKey => $"{Group}/{Plural}";

    public static IReadOnlyList<string> AllVerbs { get; } =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}
