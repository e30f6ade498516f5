using System.Text.RegularExpressions;

namespace Shoal.Deploy.Tests.Iam;

// IAM's wildcard matching of ARNs and actions: * is any run of characters (also none), ? one character.
internal static class IamGlob
{
    public static bool Matches(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
