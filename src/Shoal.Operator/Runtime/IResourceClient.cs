using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Runtime;

// The port over the API server for one kind; the informer, the controller host, finalizers and the
// controllers use only this, so all of them run against an in-memory fake in unit tests.
//
// Errors: KubeApiException with the server's status code and reason; 404 is null (Get, Patch, PatchStatus)
// or success (Delete), because "already gone" is an answer, not a failure. Watch: ResourceExpiredException
// on 410 Gone (relist), otherwise the stream ends when the server closes it (re-watch from the last version).
public interface IResourceClient<T>
    where T : class, IResource
{
    ResourceKind Kind { get; }

    // null namespace = all namespaces.
    Task<ResourceList<T>> ListAsync(string? @namespace, CancellationToken ct);

    // With allowWatchBookmarks=true; Bookmark events only advance the resourceVersion.
    IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? @namespace, string resourceVersion, CancellationToken ct);

    Task<T?> GetAsync(string @namespace, string name, CancellationToken ct);

    // KubeApiException 409 (reason AlreadyExists) when the name is taken.
    Task<T> CreateAsync(T resource, CancellationToken ct);

    // application/merge-patch+json. Put metadata.resourceVersion in the patch to make it conditional
    // (409 Conflict when the object changed since it was read): needed whenever the patch replaces a list.
    Task<T?> PatchAsync(string @namespace, string name, object mergePatch, CancellationToken ct);

    // The same against the /status subresource, the only place the status can be written.
    Task<T?> PatchStatusAsync(string @namespace, string name, object mergePatch, CancellationToken ct);

    Task DeleteAsync(string @namespace, string name, CancellationToken ct);
}
