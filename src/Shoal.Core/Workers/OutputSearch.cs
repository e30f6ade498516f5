namespace Shoal.Core.Workers;

/// <summary>
/// Finds a success string in output of any length without loading it whole: the check is against the
/// full stdout, never a truncated inline copy (the seed read only SSM's first 24,000 characters).
/// </summary>
public static class OutputSearch
{
    public static async Task<bool> ContainsAsync(TextReader reader, string needle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(needle);

        // Keep the last needle.Length - 1 characters of each chunk so a match across a boundary is seen.
        var buffer = new char[Math.Max(64 * 1024, needle.Length * 2)];
        var carry = 0;
        while (true)
        {
            var read = await reader.ReadAsync(buffer.AsMemory(carry, buffer.Length - carry), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            var filled = carry + read;
            if (buffer.AsSpan(0, filled).IndexOf(needle.AsSpan(), StringComparison.Ordinal) >= 0)
            {
                return true;
            }

            carry = Math.Min(needle.Length - 1, filled);
            buffer.AsSpan(filled - carry, carry).CopyTo(buffer);
        }
    }
}
