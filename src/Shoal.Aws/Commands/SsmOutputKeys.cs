namespace Shoal.Aws.Commands;

/// <summary>
/// Where the SSM agent puts a command's output in S3:
/// <c>&lt;prefix&gt;/&lt;commandId&gt;/&lt;instanceId&gt;/&lt;plugin&gt;/&lt;pluginId&gt;/stdout</c>, with the colon removed from
/// plugin names and the parts joined the way the agent joins them (Go's path.Join: no empty parts,
/// no doubled or trailing slashes). For the schema-1.2 documents AWS-RunShellScript and
/// AWS-RunPowerShellScript the plugin is aws:runShellScript / aws:runPowerShellScript and the plugin id
/// is "0." + plugin (the first runtimeConfig entry). A schema-2.x document puts each step under its
/// action and step name instead, which we cannot know without the document: for those, list the
/// instance's folder and read every <c>stdout</c> in it.
/// </summary>
public static class SsmOutputKeys
{
    public const string ShellDocument = "AWS-RunShellScript";
    public const string PowerShellDocument = "AWS-RunPowerShellScript";

    /// <summary>The folder under which all of one invocation's output lies, ending in '/' (a listing prefix).</summary>
    public static string InvocationFolder(string? keyPrefix, string commandId, string instanceId) =>
        Join(keyPrefix, commandId, instanceId) + "/";

    /// <summary>The stdout key for AWS-RunShellScript and AWS-RunPowerShellScript; null for other documents.</summary>
    public static string? StdoutKey(string? keyPrefix, string commandId, string instanceId, string documentName)
    {
        var plugin = BaseName(documentName) switch
        {
            ShellDocument => "awsrunShellScript",
            PowerShellDocument => "awsrunPowerShellScript",
            _ => null,
        };
        return plugin is null ? null : Join(keyPrefix, commandId, instanceId, plugin, "0." + plugin, "stdout");
    }

    /// <summary>A document's name without an ARN around it (shared documents are named by ARN).</summary>
    public static string BaseName(string documentName)
    {
        ArgumentNullException.ThrowIfNull(documentName);
        return documentName.StartsWith("arn:", StringComparison.Ordinal) && documentName.LastIndexOf('/') is var slash and >= 0
            ? documentName[(slash + 1)..]
            : documentName;
    }

    /// <summary>Go's path.Join: join the non-empty parts with '/', then clean the result.</summary>
    internal static string Join(params string?[] parts)
    {
        var joined = string.Join('/', parts.Where(p => !string.IsNullOrEmpty(p)));
        if (joined.Length == 0)
        {
            return "";
        }

        var rooted = joined[0] == '/';
        var kept = new List<string>();
        foreach (var segment in joined.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == ".." && kept.Count > 0 && kept[^1] != "..")
            {
                kept.RemoveAt(kept.Count - 1);
            }
            else if (segment != ".." || !rooted)
            {
                kept.Add(segment);
            }
        }

        var cleaned = string.Join('/', kept);
        return rooted ? "/" + cleaned : cleaned.Length == 0 ? "." : cleaned;
    }
}
