using System.Security.Cryptography;
using System.Text;

namespace Shoal.Aws.Fleet;

/// <summary>
/// EC2 client tokens are at most 64 printable ASCII characters. A token that fits is used as given, so
/// CloudTrail shows the caller's; anything else is replaced by a stable hash of it.
/// </summary>
internal static class ClientTokens
{
    private const int MaxLength = 64;

    /// <summary>The first call of a launch uses the token itself; later calls (split, retry, fallback) add -2, -3, …</summary>
    public static string ForCall(string token, int call) => Fit(token, call <= 1 ? "" : "-" + call.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>One token for launches coalesced into one call; the same set gives the same token in any order.</summary>
    public static string Combine(IEnumerable<string> tokens)
    {
        var distinct = tokens.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "batch-" + Hash(string.Join('\n', distinct))[..40];
    }

    public static string Fit(string token, string suffix = "")
    {
        var usable = token.Length + suffix.Length <= MaxLength && token.All(c => c is > ' ' and <= '~');
        return usable ? token + suffix : "shoal-" + Hash(token)[..40] + suffix;
    }

    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
