namespace Shoal.KubeApi;

/// <summary>
/// One request the emulator answered, as an RBAC rule would see it. Verb is the Kubernetes verb ("get",
/// "list", "watch", "create", "update", "patch", "delete", "deletecollection"); for paths that are not
/// resources (discovery, /version, OpenAPI) it is the lower-case HTTP method and Resource is null.
/// Group is "" for the core group.
/// </summary>
public sealed record KubeApiRequest(
    string Method,
    string Path,
    string Query,
    string Verb,
    string? Group,
    string? Version,
    string? Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    int StatusCode,
    string? UserAgent,
    string? ContentType);
