using System.Text.Json.Nodes;
using Shoal.KubeApi.Schema;
using Shoal.KubeApi.Storage;

namespace Shoal.KubeApi.Resources;

/// <summary>
/// Namespaces are Active from creation. Deleting one removes everything in it at once (the real server
/// goes through a Terminating phase and honours finalizers of the contents; tests here do not need that).
/// </summary>
internal sealed class NamespaceHooks(ObjectStore store) : IResourceHooks
{
    public void Prepare(JsonObject candidate, JsonObject? current)
    {
        candidate["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
        candidate["status"] = new JsonObject { ["phase"] = "Active" };
        var metadata = Json.Metadata(candidate);
        if (metadata["labels"] is not JsonObject labels)
        {
            labels = [];
            metadata["labels"] = labels;
        }

        labels["kubernetes.io/metadata.name"] = Json.Name(candidate);
    }

    public IReadOnlyList<FieldError> Validate(JsonObject candidate, JsonObject? current) => [];

    public void Written(JsonObject stored)
    {
    }

    public void Removed(JsonObject removed)
    {
        var name = Json.Name(removed);
        foreach (var key in store.StorageKeys())
        {
            store.RemoveAll(key, obj => Json.Namespace(obj) == name);
        }
    }
}
