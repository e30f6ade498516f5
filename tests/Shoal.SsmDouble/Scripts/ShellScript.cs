using System.Globalization;
using System.Text;

namespace Shoal.SsmDouble.Scripts;

/// <summary>
/// A tiny interpreter of an AWS-RunShellScript <c>commands</c> parameter, so a job behaves like one in
/// time, output and exit code without anything being run. It understands only <c>sleep</c>,
/// <c>echo</c> and <c>exit</c>; every other command is taken as a no-op that succeeds. Words are split
/// the way sh splits them (quotes, backslashes, comments), so a separator or a "sleep" inside a quoted
/// value (the environment preamble Shoal puts in front of every job) is only text. Variables, command
/// substitution and control flow (if, for, functions, subshells) are not expanded or followed.
/// </summary>
internal static class ShellScript
{
    /// <summary>What <c>sleep infinity</c> (or an absurd sleep) lasts: long enough for any test, small enough to add to a date.</summary>
    public static readonly TimeSpan Forever = TimeSpan.FromDays(36_500);

    public static ScriptPlan Plan(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);

        // The agent writes the lines one per line into a script file and runs it with sh.
        var commands = Split(string.Join('\n', lines));
        var elapsed = TimeSpan.Zero;
        var outputs = new List<ScriptOutput>();
        for (var i = 0; i < commands.Count; i++)
        {
            var (words, after) = commands[i];
            var before = i == 0 ? "" : commands[i - 1].After;

            // Every modelled command succeeds, so "a || b" never runs b; a background job's output
            // and time are not modelled at all.
            if (before == "||" || after == "&")
            {
                continue;
            }

            var inPipeline = before == "|" || after == "|";
            var name = CommandName(words, out var args);
            switch (name)
            {
                case "sleep":
                    elapsed = Add(elapsed, SleepTime(args));
                    break;

                case "echo" when after != "|": // piped output goes to the next command, not stdout
                    outputs.Add(new ScriptOutput(elapsed, Echo(args)));
                    break;

                case "exit" when !inPipeline: // a pipeline member is a subshell: its exit ends only itself
                    return new ScriptPlan(elapsed, ExitCode(args), outputs);
            }
        }

        return new ScriptPlan(elapsed, 0, outputs);
    }

    /// <summary>
    /// The script as simple commands, each with the operator that ends it: ";", newline, "&amp;&amp;",
    /// "||", "|", "&amp;" or "" at the end. Empty commands (blank lines) are dropped, which keeps
    /// "a &amp;&amp;\nb" joined as sh does.
    /// </summary>
    internal static List<(List<string> Words, string After)> Split(string text)
    {
        var commands = new List<(List<string> Words, string After)>();
        var words = new List<string>();
        StringBuilder? word = null;

        void EndWord()
        {
            if (word is not null)
            {
                words.Add(word.ToString());
                word = null;
            }
        }

        void EndCommand(string after)
        {
            EndWord();
            if (words.Count > 0)
            {
                commands.Add((words, after));
                words = [];
            }
            else if (after is "&&" or "||" or "|" && commands.Count > 0)
            {
                // "a\n&& b" is a syntax error in sh; keep the operator rather than invent a meaning.
                commands[^1] = (commands[^1].Words, after);
            }
        }

        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (c)
            {
                case '\\' when next == '\n': // line continuation
                    i += 2;
                    break;
                case '\\':
                    (word ??= new()).Append(next == '\0' ? "" : next.ToString());
                    i += 2;
                    break;
                case '\'':
                    word ??= new();
                    var close = text.IndexOf('\'', i + 1);
                    var end = close < 0 ? text.Length : close;
                    word.Append(text, i + 1, end - i - 1);
                    i = end + 1;
                    break;
                case '"':
                    word ??= new();
                    i = DoubleQuoted(text, i + 1, word);
                    break;
                case '#' when word is null: // a comment runs to the end of the line
                    var newline = text.IndexOf('\n', i);
                    i = newline < 0 ? text.Length : newline;
                    break;
                case ' ' or '\t' or '\r':
                    EndWord();
                    i++;
                    break;
                case '\n':
                    EndCommand("\n");
                    i++;
                    break;
                case ';':
                    EndCommand(";");
                    i++;
                    break;
                case '&':
                    EndCommand(next == '&' ? "&&" : "&");
                    i += next == '&' ? 2 : 1;
                    break;
                case '|':
                    EndCommand(next == '|' ? "||" : "|");
                    i += next == '|' ? 2 : 1;
                    break;
                default:
                    (word ??= new()).Append(c);
                    i++;
                    break;
            }
        }

        EndCommand("");
        return commands;
    }

    /// <summary>Inside double quotes a backslash escapes only $ ` " \ and newline; returns the index after the closing quote.</summary>
    private static int DoubleQuoted(string text, int i, StringBuilder word)
    {
        while (i < text.Length && text[i] != '"')
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`' or '\n')
            {
                if (text[i + 1] != '\n')
                {
                    word.Append(text[i + 1]);
                }

                i += 2;
            }
            else
            {
                word.Append(text[i]);
                i++;
            }
        }

        return i + 1;
    }

    /// <summary>The command's name without its directory ("/bin/sleep" is sleep), after any leading NAME=value assignments.</summary>
    private static string CommandName(List<string> words, out List<string> args)
    {
        var first = words.FindIndex(w => !IsAssignment(w));
        if (first < 0)
        {
            args = [];
            return "";
        }

        args = words.GetRange(first + 1, words.Count - first - 1);
        var name = words[first];
        return name[(name.LastIndexOf('/') + 1)..];
    }

    private static bool IsAssignment(string word)
    {
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && (char.IsAsciiLetter(word[0]) || word[0] == '_') && word[..equals].All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    /// <summary>GNU sleep: the sum of its arguments, each a number with an optional s/m/h/d suffix, or "infinity"; any bad argument and it does not sleep.</summary>
    private static TimeSpan SleepTime(List<string> args)
    {
        var total = TimeSpan.Zero;
        foreach (var arg in args)
        {
            if (arg == "infinity")
            {
                return Forever;
            }

            var unit = arg.Length > 0 ? arg[^1] switch { 's' => 1.0, 'm' => 60.0, 'h' => 3600.0, 'd' => 86_400.0, _ => 0.0 } : 0.0;
            var number = unit > 0 ? arg[..^1] : arg;
            if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                return TimeSpan.Zero;
            }

            var seconds = value * (unit > 0 ? unit : 1.0);
            total = Add(total, seconds >= Forever.TotalSeconds ? Forever : TimeSpan.FromSeconds(seconds));
        }

        return total;
    }

    /// <summary>bash's echo: leading -n/-e/-E flags (in any combination), arguments joined by single spaces.</summary>
    private static string Echo(List<string> args)
    {
        var newline = true;
        var first = 0;
        while (first < args.Count && args[first].Length > 1 && args[first][0] == '-' && args[first].Skip(1).All(c => c is 'n' or 'e' or 'E'))
        {
            newline &= !args[first].Contains('n', StringComparison.Ordinal);
            first++;
        }

        var text = string.Join(' ', args.Skip(first));
        return newline ? text + "\n" : text;
    }

    /// <summary>sh keeps the low 8 bits of the number; a non-number is an error that exits with 2.</summary>
    private static int ExitCode(List<string> args) =>
        args.Count == 0 ? 0
        : long.TryParse(args[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? (int)(code & 0xFF)
        : 2;

    private static TimeSpan Add(TimeSpan a, TimeSpan b) => a >= Forever - b ? Forever : a + b;
}
