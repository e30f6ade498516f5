using System.Text.Json.Nodes;

namespace Shoal.Deploy.Tests.Rbac;

// RBAC rules flattened to "group resource verb" triples, so two roles written differently (rules split or
// merged, lists reordered) compare equal when they grant the same.
internal static class RbacRules
{
    public static SortedSet<string> Of(JsonNode role)
    {
        var triples = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rule in role["rules"]?.AsArray() ?? [])
        {
            foreach (var group in Strings(rule, "apiGroups"))
            {
                foreach (var resource in Strings(rule, "resources"))
                {
                    foreach (var verb in Strings(rule, "verbs"))
                    {
                        triples.Add($"{(group.Length == 0 ? "core" : group)} {resource} {verb}");
                    }
                }
            }
        }

        return triples;
    }

    private static IEnumerable<string> Strings(JsonNode? rule, string key) =>
        rule?[key]?.AsArray().Select(v => v!.GetValue<string>()) ?? throw new InvalidOperationException($"an RBAC rule without {key}");
}
