using Shoal.Aws.Commands;

namespace Shoal.Aws.Tests.Commands;

public sealed class S3LocationTests
{
    [Theory]
    [InlineData("s3://bucket", "bucket", "")]
    [InlineData("s3://bucket/", "bucket", "")]
    [InlineData("s3://my.bucket-1/out/job/", "my.bucket-1", "out/job/")]
    [InlineData("S3://bucket/x", "bucket", "x")]
    public void S3_uris_parse(string uri, string bucket, string prefix) =>
        Assert.Equal(new S3Location(bucket, prefix), S3Location.TryParse(uri));

    [Theory]
    [InlineData(null)]
    [InlineData("bucket/out")]
    [InlineData("https://bucket.s3.amazonaws.com/out")]
    [InlineData("s3://")]
    [InlineData("s3://UPPER/out")]
    [InlineData("s3://b/out")]
    public void Anything_else_does_not(string? uri) => Assert.Null(S3Location.TryParse(uri));
}
