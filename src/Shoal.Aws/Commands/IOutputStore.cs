namespace Shoal.Aws.Commands;

/// <summary>Reads command output that the SSM agent uploaded (S3 on AWS).</summary>
public interface IOutputStore
{
    /// <summary>The object's content, or null when the bucket or the object does not exist (yet).</summary>
    Task<Stream?> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken);

    /// <summary>Every key under <paramref name="prefix"/>, in key order.</summary>
    Task<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken);
}
