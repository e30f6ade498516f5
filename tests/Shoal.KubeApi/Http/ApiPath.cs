namespace Shoal.KubeApi.Http;

/// <summary>
/// A request path split the way the real server's RequestInfoFactory splits it:
/// /api/v1/namespaces/{ns}/{resource}/{name}/{subresource} and /apis/{group}/{version}/..., where
/// /api/v1/namespaces/{name}/status is the namespace's own subresource.
/// </summary>
internal sealed record ApiPath(ApiPathKind Kind, string Group = "", string Version = "", string? Namespace = null,
    string? Resource = null, string? Name = null, string? Subresource = null)
{
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    public static ApiPath Parse(string? rawPath)
    {
        var parts = (rawPath ?? "").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(Uri.UnescapeDataString).ToArray();
        return parts switch
        {
            ["version"] => new(ApiPathKind.Version),
            ["api"] => new(ApiPathKind.CoreRoot),
            ["api", var version] => new(ApiPathKind.GroupVersion, "", version),
            ["api", var version, .. var rest] => ResourcePath("", version, rest),
            ["apis"] => new(ApiPathKind.GroupsRoot),
            ["apis", var group] => new(ApiPathKind.Group, group),
            ["apis", var group, var version] => new(ApiPathKind.GroupVersion, group, version),
            ["apis", var group, var version, .. var rest] => ResourcePath(group, version, rest),
            ["openapi", "v3"] => new(ApiPathKind.OpenApiV3Root),
            ["openapi", "v3", "api", var version] => new(ApiPathKind.OpenApiV3Document, "", version),
            ["openapi", "v3", "apis", var group, var version] => new(ApiPathKind.OpenApiV3Document, group, version),
            ["openapi", "v2"] => new(ApiPathKind.OpenApiV2),
            _ => new(ApiPathKind.Unknown),
        };
    }

    private static ApiPath ResourcePath(string group, string version, string[] rest)
    {
        string? ns = null;
        if (rest is ["namespaces", var namespaceName, var next, ..] && !NamespaceSubresources.Contains(next))
        {
            ns = namespaceName;
            rest = rest[2..];
        }

        return rest switch
        {
            [var resource] => new(ApiPathKind.Resource, group, version, ns, resource),
            [var resource, var name] => new(ApiPathKind.Resource, group, version, ns, resource, name),
            [var resource, var name, var subresource] => new(ApiPathKind.Resource, group, version, ns, resource, name, subresource),
            _ => new(ApiPathKind.Unknown, group, version),
        };
    }
}
