using Amazon.S3;
using Amazon.S3.Model;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Commands;

/// <summary><see cref="IOutputStore"/> over the S3 client.</summary>
public sealed class S3OutputStore(IAmazonS3 s3) : IOutputStore
{
    public async Task<Stream?> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            // Not an error for the caller: the agent uploads after the command ends, and not at all
            // when stdout was empty.
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        do
        {
            var page = await s3.ListObjectsV2Async(request, cancellationToken);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
