using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Chart;

// helm is not installed here, so the tests read templates through a crude stand-in for rendering: lines
// that hold only template actions ({{- if }}, {{- include ... | nindent }}, {{- end }}) are dropped, and
// an action inside a line becomes Placeholder. What is left is the literal YAML the chart always emits
// (probes, security context, RBAC rules), which is exactly what the tests assert on. When helm is on
// PATH, HelmTests renders the chart for real.
internal static partial class ChartTemplate
{
    public const string Placeholder = "TEMPLATED";

    public static string Skeleton(string template)
    {
        var kept = template.Split('\n')
            .Where(line => !ActionsOnly().IsMatch(line))
            .Select(line => Action().Replace(line, Placeholder));
        return string.Join('\n', kept);
    }

    public static IReadOnlyList<JsonObject> Documents(string templateName) =>
        [.. Yaml.LoadAll(Skeleton(RepoPaths.Read("charts", "shoal", "templates", templateName))).OfType<JsonObject>()];

    public static JsonObject Single(string templateName) => Documents(templateName) switch
    {
        [var single] => single,
        var documents => throw new InvalidOperationException($"{templateName}: expected one resource, found {documents.Count}"),
    };

    // Every .Values.a.b path a template reads (the leading ".Values." removed).
    public static IEnumerable<string> ValueReferences(string template) =>
        ValueReference().Matches(template).Select(m => m.Groups[1].Value);

    public static IEnumerable<string> TemplateFiles() =>
        Directory.GetFiles(RepoPaths.Of("charts", "shoal", "templates")).Order(StringComparer.Ordinal);

    [GeneratedRegex(@"^\s*(\{\{.*?\}\}\s*)+$")]
    private static partial Regex ActionsOnly();

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex Action();

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)")]
    private static partial Regex ValueReference();
}
