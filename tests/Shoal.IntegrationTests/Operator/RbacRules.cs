using Shoal.KubeApi;
using YamlDotNet.RepresentationModel;

namespace Shoal.IntegrationTests.Operator;

/// <summary>The (group, resource[/subresource], verb) triples a ClusterRole grants, and those a run used.</summary>
internal static class RbacRules
{
    public static IReadOnlySet<string> Granted(string roleYaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(roleYaml)));
        var granted = new SortedSet<string>(StringComparer.Ordinal);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        foreach (var rule in ((YamlSequenceNode)root["rules"]).Cast<YamlMappingNode>())
        {
            foreach (var group in Strings(rule, "apiGroups"))
            {
                foreach (var resource in Strings(rule, "resources"))
                {
                    foreach (var verb in Strings(rule, "verbs"))
                    {
                        granted.Add(Key(group, resource, verb));
                    }
                }
            }
        }

        return granted;
    }

    /// <summary>What the operator asked the API server for (kubectl's own requests left out).</summary>
    public static IReadOnlySet<string> Used(IEnumerable<KubeApiRequest> requests) =>
        new SortedSet<string>(
            requests
                .Where(r => r.Resource is not null && r.UserAgent?.StartsWith("kubectl", StringComparison.Ordinal) != true)
                .Select(r => Key(r.Group ?? "", r.Subresource is null ? r.Resource! : $"{r.Resource}/{r.Subresource}", r.Verb)),
            StringComparer.Ordinal);

    public static string Key(string group, string resource, string verb) => $"{(group.Length == 0 ? "core" : group)} {resource} {verb}";

    private static IEnumerable<string> Strings(YamlMappingNode rule, string key) =>
        ((YamlSequenceNode)rule[key]).Select(n => ((YamlScalarNode)n).Value ?? "");
}
