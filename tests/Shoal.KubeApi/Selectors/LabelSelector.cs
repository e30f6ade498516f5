using System.Text.RegularExpressions;
using Shoal.KubeApi.Http;

namespace Shoal.KubeApi.Selectors;

/// <summary>
/// A label selector in the query-string syntax: "a=b", "a==b", "a!=b", "a in (x,y)", "a notin (x)", "a", "!a",
/// comma-separated, all of which must hold.
/// </summary>
internal sealed partial class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> requirements;

    private LabelSelector(List<Func<IReadOnlyDictionary<string, string>, bool>> requirements)
    {
        this.requirements = requirements;
    }

    public static LabelSelector Everything { get; } = new([]);

    public bool Matches(IReadOnlyDictionary<string, string> labels) => requirements.All(r => r(labels));

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim(), text));
        }

        return new LabelSelector(requirements);
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string part, string whole)
    {
        var set = SetRequirement().Match(part);
        if (set.Success)
        {
            var key = set.Groups["key"].Value;
            var values = set.Groups["values"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            return set.Groups["op"].Value == "in"
                ? labels => labels.TryGetValue(key, out var v) && values.Contains(v)
                : labels => !labels.TryGetValue(key, out var v) || !values.Contains(v);
        }

        var equality = EqualityRequirement().Match(part);
        if (equality.Success)
        {
            var key = equality.Groups["key"].Value;
            var value = equality.Groups["value"].Value;
            return equality.Groups["op"].Value == "!="
                ? labels => !labels.TryGetValue(key, out var v) || v != value
                : labels => labels.TryGetValue(key, out var v) && v == value;
        }

        var exists = ExistsRequirement().Match(part);
        if (exists.Success)
        {
            var key = exists.Groups["key"].Value;
            return exists.Groups["not"].Success ? labels => !labels.ContainsKey(key) : labels => labels.ContainsKey(key);
        }

        throw ApiException.BadRequest(
            $"unable to parse requirement: \"{part}\" in label selector \"{whole}\": use key=value, key!=value, key in (a,b), key notin (a,b), key or !key");
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    [GeneratedRegex(@"^(?<key>[A-Za-z0-9./_-]+)\s+(?<op>in|notin)\s*\((?<values>[^)]*)\)$")]
    private static partial Regex SetRequirement();

    [GeneratedRegex(@"^(?<key>[A-Za-z0-9./_-]+)\s*(?<op>==|!=|=)\s*(?<value>[A-Za-z0-9._-]*)$")]
    private static partial Regex EqualityRequirement();

    [GeneratedRegex(@"^(?<not>!)?\s*(?<key>[A-Za-z0-9./_-]+)$")]
    private static partial Regex ExistsRequirement();
}
