using System.Text.Json.Nodes;

namespace Shoal.KubeApi.Patching;

/// <summary>
/// JSON merge patch (RFC 7386). Strategic merge patches are applied with the same rules after their
/// "$..." directives are dropped: lists are replaced rather than merged by key, which is how the real
/// server treats custom resources anyway.
/// </summary>
internal static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch, bool strategic = false)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patchObject)
        {
            if (strategic && key.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                result.Remove(key);
                continue;
            }

            result.TryGetPropertyValue(key, out var current);
            var merged = Apply(current?.DeepClone(), value, strategic);
            result[key] = merged;
        }

        return result;
    }
}
