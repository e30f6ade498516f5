using System.Text.Json.Nodes;
using Shoal.KubeApi.Schema;
using Shoal.KubeApi.Storage;

namespace Shoal.KubeApi.Resources;

/// <summary>
/// CustomResourceDefinitions: validated like the real server's basic checks, given an Established status,
/// and registered so their resources are served immediately. Deleting one deletes all its objects.
/// </summary>
internal sealed class CrdHooks(ResourceRegistry registry, ObjectStore store, TimeProvider time) : IResourceHooks
{
    public void Prepare(JsonObject candidate, JsonObject? current)
    {
        CrdTranslator.ApplyDefaults(candidate);
        if (candidate["spec"] is not JsonObject spec || spec["names"] is not JsonObject names)
        {
            return;
        }

        var conflict = registry.Conflict(Json.Name(candidate), Json.Str(spec["group"]) ?? "", Json.Str(names["plural"]) ?? "", Json.Str(names["kind"]) ?? "");
        candidate["status"] = CrdTranslator.Status(candidate, current?["status"] as JsonObject, conflict, Json.Timestamp(time.GetUtcNow()));
    }

    public IReadOnlyList<FieldError> Validate(JsonObject candidate, JsonObject? current)
    {
        var errors = CrdTranslator.Validate(candidate);
        if (current is null)
        {
            return errors;
        }

        // Stored objects are keyed by group and plural; the real server also refuses to change the group
        // and scope. (It allows a new plural; the emulator does not, to keep its storage simple.)
        foreach (var path in new[] { new[] { "group" }, ["scope"], ["names", "plural"] })
        {
            JsonNode? before = current["spec"], after = candidate["spec"];
            foreach (var segment in path)
            {
                before = before?[segment];
                after = after?[segment];
            }

            if (!JsonNode.DeepEquals(before, after))
            {
                errors.Add(FieldError.Invalid("spec." + string.Join('.', path), after, "field is immutable"));
            }
        }

        return errors;
    }

    public void Written(JsonObject stored)
    {
        var established = (stored["status"]?["conditions"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Any(c => Json.Str(c["type"]) == "Established" && Json.Str(c["status"]) == "True");
        if (established)
        {
            registry.ReplaceDefinedBy(Json.Name(stored), CrdTranslator.Translate(stored));
        }
    }

    public void Removed(JsonObject removed)
    {
        var group = Json.Str(removed["spec"]?["group"]) ?? "";
        var plural = Json.Str(removed["spec"]?["names"]?["plural"]) ?? "";
        registry.RemoveDefinedBy(Json.Name(removed));
        store.RemoveAll($"{group}/{plural}", _ => true);
    }
}
