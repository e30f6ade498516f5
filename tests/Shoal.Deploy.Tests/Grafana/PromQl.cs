using System.Text.RegularExpressions;

namespace Shoal.Deploy.Tests.Grafana;

// Just enough of PromQL to check a dashboard against the metric catalogue: the series names an
// expression selects, the label names its matchers use, and the labels it groups by.
internal static partial class PromQl
{
    public static IReadOnlyList<(string Series, IReadOnlyList<string> MatcherLabels)> Selectors(string expression) =>
        [.. Selector().Matches(expression).Select(m => (
            m.Groups["name"].Value,
            (IReadOnlyList<string>)[.. MatcherLabel().Matches(m.Groups["matchers"].Value).Select(l => l.Groups[1].Value)]))];

    public static IReadOnlyList<string> GroupingLabels(string expression) =>
        [.. Grouping().Matches(expression).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    public static bool Balanced(string expression)
    {
        var stack = new Stack<char>();
        var inString = false;
        foreach (var c in expression)
        {
            if (c == '"')
            {
                inString = !inString;
            }
            else if (inString)
            {
                continue;
            }
            else if (c is '(' or '{' or '[')
            {
                stack.Push(c);
            }
            else if (c is ')' or '}' or ']')
            {
                var open = c switch { ')' => '(', '}' => '{', _ => '[' };
                if (stack.Count == 0 || stack.Pop() != open)
                {
                    return false;
                }
            }
        }

        return stack.Count == 0 && !inString;
    }

    [GeneratedRegex(@"\b(?<name>shoal_[a-z_]+)(?:\{(?<matchers>[^}]*)\})?")]
    private static partial Regex Selector();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex MatcherLabel();

    [GeneratedRegex(@"\b(?:by|without)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();
}
