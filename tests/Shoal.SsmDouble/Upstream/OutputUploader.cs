using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;

namespace Shoal.SsmDouble.Upstream;

/// <summary>
/// Puts a finished invocation's stdout where the SSM agent puts it:
/// <c>&lt;prefix&gt;/&lt;commandId&gt;/&lt;instanceId&gt;/awsrunShellScript/0.awsrunShellScript/stdout</c> for
/// AWS-RunShellScript (the plugin name aws:runShellScript without its colon, then the plugin id "0." +
/// that name), awsrunPowerShellScript for AWS-RunPowerShellScript. Like the agent, it uploads nothing
/// for an empty stdout and gives up quietly (a log line) when S3 refuses.
/// </summary>
internal sealed class OutputUploader(IAmazonS3 s3, string region, ILogger logger)
{
    public static string StdoutKey(string? prefix, string commandId, string instanceId, string documentName)
    {
        var plugin = documentName == "AWS-RunPowerShellScript" ? "awsrunPowerShellScript" : "awsrunShellScript";
        return JoinKey(prefix, commandId, instanceId, plugin, "0." + plugin, "stdout");
    }

    public string Url(string bucket, string key) => $"https://s3.{region}.amazonaws.com/{bucket}/{key}";

    public async Task UploadAsync(string bucket, string key, string stdout, CancellationToken cancellationToken)
    {
        try
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = stdout, ContentType = "text/plain" }, cancellationToken);
            logger.LogDebug("Uploaded {Length} characters of stdout to s3://{Bucket}/{Key}", stdout.Length, bucket, key);
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException)
        {
            logger.LogWarning("Could not upload stdout to s3://{Bucket}/{Key}: {Message}", bucket, key, e.Message);
        }
    }

    /// <summary>The agent joins with Go's path.Join: empty parts and doubled slashes vanish, a leading slash stays.</summary>
    private static string JoinKey(string? prefix, params string[] parts)
    {
        var rooted = prefix?.StartsWith('/') == true;
        var segments = new[] { prefix ?? "" }.Concat(parts)
            .SelectMany(p => p.Split('/'))
            .Where(s => s is not ("" or "."));
        return (rooted ? "/" : "") + string.Join('/', segments);
    }
}
