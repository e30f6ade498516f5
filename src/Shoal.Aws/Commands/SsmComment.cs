using System.Security.Cryptography;
using System.Text;

namespace Shoal.Aws.Commands;

/// <summary>
/// The SendCommand Comment names the job for people reading the SSM console. The API refuses more
/// than 100 characters, and the seed passed the raw job id, so a job named after a long S3 key could
/// never start. Long ids keep their start and their end (where S3 keys carry the file name) and a
/// hash of the whole id, so two long ids that differ in the middle still read differently.
/// </summary>
internal static class SsmComment
{
    public const int MaxLength = 100;

    public static string Render(string jobId, int attempt)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var id = new string(jobId.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        var suffix = $" (attempt {attempt})";
        if (id.Length + suffix.Length <= MaxLength)
        {
            return id + suffix;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobId)))[..8];
        suffix = $" #{hash}{suffix}";
        var room = MaxLength - suffix.Length - 1; // 1 for the ellipsis
        var head = Cut(id, room / 3, fromStart: true);
        var tail = Cut(id, room - head.Length, fromStart: false);
        return head + "\u2026" + tail + suffix;
    }

    /// <summary>At most <paramref name="length"/> UTF-16 units, never half a surrogate pair.</summary>
    private static string Cut(string text, int length, bool fromStart)
    {
        if (fromStart)
        {
            var end = length;
            if (end > 0 && char.IsHighSurrogate(text[end - 1]))
            {
                end--;
            }

            return text[..end];
        }

        var start = text.Length - length;
        if (start < text.Length && char.IsLowSurrogate(text[start]))
        {
            start++;
        }

        return text[start..];
    }
}
