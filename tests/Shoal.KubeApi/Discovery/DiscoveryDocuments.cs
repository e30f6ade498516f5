using System.Text.Json.Nodes;
using Shoal.KubeApi.Resources;

namespace Shoal.KubeApi.Discovery;

/// <summary>
/// /api, /apis and their legacy per-version lists. kubectl 1.32 asks for aggregated discovery
/// (apidiscovery.k8s.io/v2) first and falls back to the legacy documents; both are served.
/// </summary>
internal static class DiscoveryDocuments
{
    public const string AggregatedV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    public const string AggregatedV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    /// <summary>Groups in a stable order: core, then built-in groups, then custom groups by name.</summary>
    private static List<IGrouping<string, ResourceType>> Groups(IReadOnlyList<ResourceType> types, bool core)
        => [.. types.Where(t => (t.Group.Length == 0) == core)
            .GroupBy(t => t.Group)
            .OrderBy(g => g.All(t => t.DefinedBy is not null) ? 1 : 0)
            .ThenBy(g => g.Key, StringComparer.Ordinal)];

    private static List<string> Versions(IEnumerable<ResourceType> group)
        => [.. group.Select(t => t.Version).Distinct()];

    public static JsonObject Aggregated(IReadOnlyList<ResourceType> types, bool core, string apiVersion)
    {
        var items = new JsonArray();
        foreach (var group in Groups(types, core))
        {
            var versions = new JsonArray();
            foreach (var version in Versions(group))
            {
                var resources = new JsonArray();
                foreach (var type in group.Where(t => t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal))
                {
                    resources.Add(AggregatedResource(type));
                }

                versions.Add(new JsonObject { ["version"] = version, ["resources"] = resources, ["freshness"] = "Current" });
            }

            var metadata = new JsonObject { ["creationTimestamp"] = null };
            if (!core)
            {
                metadata["name"] = group.Key;
            }

            items.Add(new JsonObject { ["metadata"] = metadata, ["versions"] = versions });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = apiVersion,
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static JsonObject AggregatedResource(ResourceType type)
    {
        var kind = new JsonObject { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind };
        var resource = new JsonObject
        {
            ["resource"] = type.Plural,
            ["responseKind"] = kind,
            ["scope"] = type.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = type.Singular,
            ["verbs"] = Array(ResourceType.AllVerbs),
        };
        if (type.ShortNames.Count > 0)
        {
            resource["shortNames"] = Array(type.ShortNames);
        }

        if (type.Categories.Count > 0)
        {
            resource["categories"] = Array(type.Categories);
        }

        if (type.HasStatusSubresource)
        {
            resource["subresources"] = new JsonArray
            {
                new JsonObject { ["subresource"] = "status", ["responseKind"] = kind.DeepClone(), ["verbs"] = Array(StatusVerbs) },
            };
        }

        return resource;
    }

    public static JsonObject LegacyCore(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject LegacyGroups(IReadOnlyList<ResourceType> types)
    {
        var groups = new JsonArray();
        foreach (var group in Groups(types, core: false))
        {
            groups.Add(LegacyGroup(group.Key, Versions(group)));
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? LegacyGroup(IReadOnlyList<ResourceType> types, string group)
    {
        var versions = Versions(types.Where(t => t.Group == group));
        if (versions.Count == 0)
        {
            return null;
        }

        var result = LegacyGroup(group, versions);
        result["kind"] = "APIGroup";
        result["apiVersion"] = "v1";
        return result;
    }

    private static JsonObject LegacyGroup(string group, List<string> versions)
    {
        var list = new JsonArray();
        foreach (var version in versions)
        {
            list.Add(new JsonObject { ["groupVersion"] = $"{group}/{version}", ["version"] = version });
        }

        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = list,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] },
        };
    }

    public static JsonObject? ResourceList(IReadOnlyList<ResourceType> types, string group, string version)
    {
        var matching = types.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal).ToList();
        if (matching.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var type in matching)
        {
            var resource = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = Array(ResourceType.AllVerbs),
            };
            if (type.ShortNames.Count > 0)
            {
                resource["shortNames"] = Array(type.ShortNames);
            }

            if (type.Categories.Count > 0)
            {
                resource["categories"] = Array(type.Categories);
            }

            resources.Add(resource);
            if (type.HasStatusSubresource)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{type.Plural}/status",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                    ["kind"] = type.Kind,
                    ["verbs"] = Array(StatusVerbs),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
}
