using System.Text;

namespace Shoal.Aws.Commands;

/// <summary>
/// AWS-RunShellScript and AWS-RunPowerShellScript have no environment parameter, so a job's variables
/// become assignment lines in front of its commands. Values are always single-quoted, where neither
/// shell expands anything, so a value can never turn into code. Two more rules keep values literal:
/// <list type="bullet">
/// <item>SSM resolves <c>{{ssm:name}}</c> (and similar) references in parameter values before the
/// agent sees them, so every "{{" is broken into two quoted pieces that the shell joins again;</item>
/// <item>PowerShell also ends single-quoted strings at the typographic quotes U+2018..U+201B, so those
/// are doubled like the ASCII one.</item>
/// </list>
/// </summary>
internal static class EnvironmentPreamble
{
    private const string PowerShellQuotes = "'\u2018\u2019\u201A\u201B";

    public static IReadOnlyList<string> Lines(IEnumerable<KeyValuePair<string, string>> variables, bool powerShell)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var lines = new List<string>();
        foreach (var (name, value) in variables)
        {
            if (!IsName(name))
            {
                throw new ArgumentException($"\"{name}\" is not a valid environment variable name: use letters, digits and _ and do not start with a digit", nameof(variables));
            }

            if (value.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"the value of {name} contains a NUL character, which no environment variable can hold", nameof(variables));
            }

            lines.Add(powerShell ? $"$env:{name} = {PowerShellQuote(value)}" : $"export {name}={ShellQuote(value)}");
        }

        return lines;
    }

    /// <summary>POSIX sh (dash, bash): 'it'\''s' is the only escape single quotes need.</summary>
    internal static string ShellQuote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('\'');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            quoted.Append(c == '\'' ? "'\\''" : c.ToString());
            if (c == '{' && i + 1 < value.Length && value[i + 1] == '{')
            {
                quoted.Append("''"); // 'a{''{b' is a{{b to the shell, and has no "{{" for SSM
            }
        }

        return quoted.Append('\'').ToString();
    }

    internal static string PowerShellQuote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('\'');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            quoted.Append(c);
            if (PowerShellQuotes.Contains(c, StringComparison.Ordinal))
            {
                quoted.Append(c);
            }

            if (c == '{' && i + 1 < value.Length && value[i + 1] == '{')
            {
                quoted.Append("' + '");
            }
        }

        return quoted.Append('\'').ToString();
    }

    private static bool IsName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
