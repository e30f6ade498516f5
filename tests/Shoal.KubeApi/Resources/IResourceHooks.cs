using System.Text.Json.Nodes;
using Shoal.KubeApi.Schema;

namespace Shoal.KubeApi.Resources;

/// <summary>
/// Type-specific behaviour of a built-in resource (CRDs register types, namespaces get a phase). Every
/// method runs under the store lock, so it sees and changes state atomically with the write itself.
/// </summary>
internal interface IResourceHooks
{
    /// <summary>Fills server-owned fields of an object about to be written (create or update).</summary>
    void Prepare(JsonObject candidate, JsonObject? current);

    /// <summary>Type-specific validation; errors become a 422 Invalid answer.</summary>
    IReadOnlyList<FieldError> Validate(JsonObject candidate, JsonObject? current);

    void Written(JsonObject stored);

    void Removed(JsonObject removed);
}
