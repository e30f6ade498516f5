using System.Security.Cryptography;
using System.Text;

namespace Shoal.Local.Commands;

/// <summary>
/// A file-system-safe, collision-free name for a job id: job ids may hold spaces, quotes, $, ;, slashes
/// or any unicode, and two ids that sanitize alike still get different names through the hash.
/// </summary>
public static class SafeName
{
    public static string For(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var readable = new StringBuilder(Math.Min(jobId.Length, 60));
        foreach (var c in jobId)
        {
            if (readable.Length == 60)
            {
                break;
            }

            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobId)))[..10];
        return $"{readable.ToString().TrimStart('.')}-{hash}";
    }
}
