using System.Text.Json.Nodes;
using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Runtime;

// Adds and removes one finalizer with a merge patch of metadata.finalizers. A merge patch replaces the whole
// list, so the patch carries metadata.resourceVersion: if the object changed since it was read (someone else
// added or removed a finalizer) the server answers 409 and the caller's reconcile is retried with the newer
// object, instead of silently dropping the other party's finalizer. Both return the patched object, or null
// when it is already gone (404).
public static class Finalizers
{
    public static bool Has(IResource r, string finalizer)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentException.ThrowIfNullOrEmpty(finalizer);
        return r.Metadata.Finalizers?.Contains(finalizer) == true;
    }

    public static async Task<T?> AddAsync<T>(IResourceClient<T> client, T r, string finalizer, CancellationToken ct)
        where T : class, IResource
    {
        ArgumentNullException.ThrowIfNull(client);
        if (Has(r, finalizer))
        {
            return r;
        }

        if (r.Metadata.DeletionTimestamp is not null)
        {
            // The API server refuses new finalizers on an object being deleted; say so before it does.
            throw new InvalidOperationException($"cannot add finalizer {finalizer} to {r.Kind} {ResourceKeys.Of(r)}: it is being deleted. Handle the deletion before adding finalizers.");
        }

        var next = (r.Metadata.Finalizers ?? []).Append(finalizer);
        return await client.PatchAsync(r.Metadata.Namespace ?? "", r.Metadata.Name, Patch(r, next), ct).ConfigureAwait(false);
    }

    public static async Task<T?> RemoveAsync<T>(IResourceClient<T> client, T r, string finalizer, CancellationToken ct)
        where T : class, IResource
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!Has(r, finalizer))
        {
            return r;
        }

        var next = r.Metadata.Finalizers!.Where(f => f != finalizer);
        return await client.PatchAsync(r.Metadata.Namespace ?? "", r.Metadata.Name, Patch(r, next), ct).ConfigureAwait(false);
    }

    // {"metadata":{"finalizers":[...],"resourceVersion":"..."}}; an empty list is sent as [] (not null), which
    // every merge-patch implementation reads as "no finalizers".
    internal static JsonObject Patch(IResource r, IEnumerable<string> finalizers)
    {
        var metadata = new JsonObject
        {
            ["finalizers"] = new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]),
        };
        if (!string.IsNullOrEmpty(r.Metadata.ResourceVersion))
        {
            metadata["resourceVersion"] = r.Metadata.ResourceVersion;
        }

        return new JsonObject { ["metadata"] = metadata };
    }
}
