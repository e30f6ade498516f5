using System.Net;
using Amazon.Runtime;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Tests.Errors;

public sealed class AwsErrorClassifierTests
{
    [Theory]
    [InlineData("RequestLimitExceeded", AwsErrorKind.Throttled)]
    [InlineData("ThrottlingException", AwsErrorKind.Throttled)]
    [InlineData("ProvisionedThroughputExceededException", AwsErrorKind.Throttled)]
    [InlineData("InsufficientInstanceCapacity", AwsErrorKind.Capacity)]
    [InlineData("UnfulfillableCapacity", AwsErrorKind.Capacity)]
    [InlineData("MaxSpotInstanceCountExceeded", AwsErrorKind.Capacity)]
    [InlineData("Unsupported", AwsErrorKind.Capacity)]
    [InlineData("InvalidInstanceID.NotFound", AwsErrorKind.NotFound)]
    [InlineData("InvalidInstanceId", AwsErrorKind.NotFound)]
    [InlineData("InvocationDoesNotExist", AwsErrorKind.NotFound)]
    [InlineData("AWS.SimpleQueueService.NonExistentQueue", AwsErrorKind.NotFound)]
    [InlineData("InvalidSomething.NotFound", AwsErrorKind.NotFound)]
    [InlineData("UnauthorizedOperation", AwsErrorKind.Unauthorized)]
    [InlineData("AccessDeniedException", AwsErrorKind.Unauthorized)]
    [InlineData("ConditionalCheckFailedException", AwsErrorKind.ConditionFailed)]
    [InlineData("InvalidParameterValue", AwsErrorKind.Invalid)]
    [InlineData("InvalidDocument", AwsErrorKind.Invalid)]
    [InlineData("ValidationException", AwsErrorKind.Invalid)]
    [InlineData("SomethingNew", AwsErrorKind.Unknown)]
    public void Error_codes_map_to_kinds(string code, AwsErrorKind expected) =>
        Assert.Equal(expected, AwsErrorClassifier.Classify(new AmazonServiceException("x") { ErrorCode = code }));

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, AwsErrorKind.Throttled)]
    [InlineData(HttpStatusCode.InternalServerError, AwsErrorKind.Throttled)]
    [InlineData(HttpStatusCode.Forbidden, AwsErrorKind.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound, AwsErrorKind.NotFound)]
    public void Without_a_code_the_status_decides(HttpStatusCode status, AwsErrorKind expected) =>
        Assert.Equal(expected, AwsErrorClassifier.Classify(new AmazonServiceException("x") { StatusCode = status }));

    [Fact]
    public void Network_failures_are_transient_and_other_exceptions_unknown()
    {
        Assert.Equal(AwsErrorKind.Throttled, AwsErrorClassifier.Classify(new HttpRequestException("reset")));
        Assert.Equal(AwsErrorKind.Unknown, AwsErrorClassifier.Classify(new InvalidOperationException("bug")));
    }

    [Fact]
    public void Reason_and_message_name_the_kind_and_keep_the_code()
    {
        var (reason, message) = AwsErrorClassifier.ToReasonMessage(new AmazonServiceException("no capacity in us-east-1a") { ErrorCode = "InsufficientInstanceCapacity" });

        Assert.Equal("InsufficientCapacity", reason);
        Assert.Equal("InsufficientInstanceCapacity: no capacity in us-east-1a", message);
    }
}
