using System.Text;

namespace Shoal.Aws.Commands;

/// <summary>What can be trusted about GetCommandInvocation's StandardOutputContent.</summary>
internal static class SsmInlineOutput
{
    /// <summary>SSM returns at most the first 24,000 characters of stdout inline.</summary>
    public const int Limit = 24_000;

    private const string TruncationMarker = "---Output truncated---";

    /// <summary>
    /// True only when the inline copy is certainly the whole stdout. The API documents characters; we
    /// count UTF-8 bytes and keep a margin below the limit, so a cut by bytes (which may end a few bytes
    /// short on a split character) is never taken for the complete output.
    /// </summary>
    public static bool IsComplete(string inline) =>
        Encoding.UTF8.GetByteCount(inline) <= Limit - 8 && !inline.Contains(TruncationMarker, StringComparison.Ordinal);

    /// <summary>The last <paramref name="chars"/> characters, never starting on half a surrogate pair.</summary>
    public static string? Tail(string text, int chars)
    {
        if (text.Length == 0 || chars <= 0)
        {
            return null;
        }

        if (text.Length <= chars)
        {
            return text;
        }

        var start = text.Length - chars;
        return char.IsLowSurrogate(text[start]) ? text[(start + 1)..] : text[start..];
    }
}
