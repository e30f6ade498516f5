namespace Shoal.Aws.Commands;

/// <summary>A bucket and a key prefix (possibly empty), as in <c>s3://bucket/prefix/</c>.</summary>
public sealed record S3Location(string Bucket, string Prefix)
{
    /// <summary>Parses <c>s3://bucket</c> or <c>s3://bucket/prefix</c>; null for anything else.</summary>
    public static S3Location? TryParse(string? uri)
    {
        const string scheme = "s3://";
        if (uri is null || !uri.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = uri[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        return bucket.Length is >= 3 and <= 63 && bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
            ? new S3Location(bucket, prefix)
            : null;
    }

    public override string ToString() => $"s3://{Bucket}/{Prefix}";
}
