using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shoal.KubeApi.Storage;

namespace Shoal.KubeApi.Tables;

/// <summary>
/// The JSONPath subset printer columns use: ".a.b", "['a.b']", "[0]", "[*]", ".*" and filters such as
/// [?(@.type=="Ready")] or [?(@.status)]. Anything else is rejected when the CRD is registered, so a
/// column never silently renders wrong.
/// </summary>
internal sealed class JsonPathExpression
{
    private abstract record Step;

    private sealed record FieldStep(string Name) : Step;

    private sealed record IndexStep(int Index) : Step;

    private sealed record AllStep : Step;

    private sealed record FilterStep(JsonPathExpression Left, string? Operator, JsonNode? Right) : Step;

    private readonly List<Step> steps;

    private JsonPathExpression(List<Step> steps)
    {
        this.steps = steps;
    }

    public static JsonPathExpression Parse(string expression)
    {
        var text = expression.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1].Trim();
        }

        if (text.StartsWith('$'))
        {
            text = text[1..];
        }

        var position = 0;
        var steps = ParseSteps(text, ref position, stopAt: null);
        if (position != text.Length)
        {
            throw new FormatException($"unexpected '{text[position..]}' in JSONPath '{expression}'");
        }

        return new JsonPathExpression(steps);
    }

    private static List<Step> ParseSteps(string text, ref int position, char? stopAt)
    {
        var steps = new List<Step>();
        while (position < text.Length && (stopAt is null || !IsStop(text, position)))
        {
            var c = text[position];
            if (c == '.')
            {
                position++;
                if (position < text.Length && text[position] == '*')
                {
                    position++;
                    steps.Add(new AllStep());
                    continue;
                }

                var start = position;
                while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '_' or '-' or '/'))
                {
                    position++;
                }

                if (position == start)
                {
                    throw new FormatException($"expected a field name at position {start} in JSONPath '{text}'");
                }

                steps.Add(new FieldStep(text[start..position]));
            }
            else if (c == '[')
            {
                steps.Add(ParseBracket(text, ref position));
            }
            else
            {
                throw new FormatException($"unexpected '{c}' at position {position} in JSONPath '{text}'");
            }
        }

        return steps;
    }

    private static bool IsStop(string text, int position)
        => text[position] is ')' or ' ' or '=' or '!' or '<' or '>';

    private static Step ParseBracket(string text, ref int position)
    {
        position++; // '['
        if (text[position..].StartsWith("?(", StringComparison.Ordinal))
        {
            position += 2;
            if (position >= text.Length || text[position] != '@')
            {
                throw new FormatException($"a filter must start with @ in JSONPath '{text}'");
            }

            position++;
            var left = new JsonPathExpression(ParseSteps(text, ref position, stopAt: ')'));
            SkipSpaces(text, ref position);
            string? op = null;
            JsonNode? right = null;
            if (text[position] != ')')
            {
                op = text.Substring(position, 2);
                if (op is not ("==" or "!="))
                {
                    throw new FormatException($"only == and != are supported in JSONPath filters: '{text}'");
                }

                position += 2;
                SkipSpaces(text, ref position);
                right = ParseLiteral(text, ref position);
                SkipSpaces(text, ref position);
            }

            Expect(text, ref position, ')');
            Expect(text, ref position, ']');
            return new FilterStep(left, op, right);
        }

        if (text[position] is '\'' or '"')
        {
            var literal = Json.Str(ParseLiteral(text, ref position)) ?? "";
            Expect(text, ref position, ']');
            return new FieldStep(literal);
        }

        if (text[position] == '*')
        {
            position++;
            Expect(text, ref position, ']');
            return new AllStep();
        }

        var end = text.IndexOf(']', position);
        if (end < 0 || !int.TryParse(text.AsSpan(position, end - position), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            throw new FormatException($"unsupported subscript in JSONPath '{text}' (use [n], [*], ['key'] or [?(@.f==\"v\")])");
        }

        position = end + 1;
        return new IndexStep(index);
    }

    private static JsonNode? ParseLiteral(string text, ref int position)
    {
        var quote = text[position];
        if (quote is '\'' or '"')
        {
            var end = text.IndexOf(quote, position + 1);
            if (end < 0)
            {
                throw new FormatException($"unterminated string in JSONPath '{text}'");
            }

            var value = text[(position + 1)..end];
            position = end + 1;
            return JsonValue.Create(value);
        }

        var start = position;
        while (position < text.Length && text[position] is not (')' or ' '))
        {
            position++;
        }

        return JsonNode.Parse(text[start..position]);
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }
    }

    private static void Expect(string text, ref int position, char c)
    {
        if (position >= text.Length || text[position] != c)
        {
            throw new FormatException($"expected '{c}' at position {position} in JSONPath '{text}'");
        }

        position++;
    }

    /// <summary>Every node the path selects, in document order; empty when nothing matches.</summary>
    public List<JsonNode?> Evaluate(JsonNode? root)
    {
        List<JsonNode?> current = [root];
        foreach (var step in steps)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                Apply(step, node, next);
            }

            current = next;
        }

        return current;
    }

    private static void Apply(Step step, JsonNode? node, List<JsonNode?> results)
    {
        switch (step)
        {
            case FieldStep field when node is JsonObject obj && obj.TryGetPropertyValue(field.Name, out var value):
                results.Add(value);
                break;
            case IndexStep index when node is JsonArray array:
                var i = index.Index < 0 ? array.Count + index.Index : index.Index;
                if (i >= 0 && i < array.Count)
                {
                    results.Add(array[i]);
                }

                break;
            case AllStep when node is JsonArray array:
                results.AddRange(array);
                break;
            case AllStep when node is JsonObject obj:
                results.AddRange(obj.Select(p => p.Value));
                break;
            case FilterStep filter when node is JsonArray array:
                results.AddRange(array.Where(item => Matches(filter, item)));
                break;
        }
    }

    private static bool Matches(FilterStep filter, JsonNode? item)
    {
        var found = filter.Left.Evaluate(item);
        if (filter.Operator is null)
        {
            return found.Count > 0 && found[0] is not null;
        }

        var equal = found.Count > 0 && ValuesEqual(found[0], filter.Right);
        return filter.Operator == "==" ? equal : !equal;
    }

    private static bool ValuesEqual(JsonNode? left, JsonNode? right)
    {
        if (Json.TryGetDouble(left, out var l) && Json.TryGetDouble(right, out var r))
        {
            return l.Equals(r);
        }

        if (left is JsonValue lv && right is JsonValue rv && lv.GetValueKind() == JsonValueKind.String && rv.GetValueKind() == JsonValueKind.String)
        {
            return lv.GetValue<string>() == rv.GetValue<string>();
        }

        return JsonNode.DeepEquals(left, right);
    }
}
