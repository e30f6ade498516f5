using System.Text.Json;

namespace Shoal.Operator.Controllers;

// Status writes are skipped when nothing changed: one status write per real change, not per reconcile.
internal static class StatusJson
{
    public static bool Same<T>(T? current, T next) =>
        current is not null && JsonSerializer.Serialize(current) == JsonSerializer.Serialize(next);

    /// <summary>A deep copy to change, so the cached object (shared with the informer) stays as it was.</summary>
    public static T Copy<T>(T? status) where T : class, new() =>
        status is null ? new T() : JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(status))!;
}
