using Amazon.DynamoDBv2.Model;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Tests.Errors;

/// <summary>A cancelled DynamoDB transaction is classified by its per-item reasons, not by its code.</summary>
public sealed class TransactionCancellationTests
{
    [Theory]
    [InlineData(AwsErrorKind.ConditionFailed, "ConditionalCheckFailed", "None")]
    [InlineData(AwsErrorKind.ConditionFailed, "None", "ConditionalCheckFailed")]
    [InlineData(AwsErrorKind.ConditionFailed, "ConditionalCheckFailed", "ThrottlingError")]
    [InlineData(AwsErrorKind.Throttled, "None", "ThrottlingError")]
    [InlineData(AwsErrorKind.Throttled, "TransactionConflict", "None")]
    [InlineData(AwsErrorKind.Throttled, "ProvisionedThroughputExceeded")]
    [InlineData(AwsErrorKind.Invalid, "ValidationError", "None")]
    [InlineData(AwsErrorKind.Invalid, "None", "ItemCollectionSizeLimitExceeded")]
    [InlineData(AwsErrorKind.Unknown, "None", "SomethingNew")]
    public void The_reasons_decide_the_kind(AwsErrorKind expected, params string[] reasons) =>
        Assert.Equal(expected, AwsErrorClassifier.Classify(Cancelled(reasons)));

    [Fact]
    public void Each_reason_can_be_read_by_position()
    {
        var error = Cancelled("None", "ThrottlingError");

        Assert.Equal(AwsErrorKind.Unknown, AwsErrorClassifier.ClassifyCancellationReason(error, 0));
        Assert.Equal(AwsErrorKind.Throttled, AwsErrorClassifier.ClassifyCancellationReason(error, 1));
        Assert.Equal(AwsErrorKind.Unknown, AwsErrorClassifier.ClassifyCancellationReason(error, 2));
        Assert.Equal(AwsErrorKind.Unknown, AwsErrorClassifier.ClassifyCancellationReason(new TransactionCanceledException("x"), 0));
    }

    [Fact]
    public void Without_reasons_the_code_decides_as_before() =>
        Assert.Equal(AwsErrorKind.ConditionFailed, AwsErrorClassifier.Classify(new TransactionCanceledException("x") { ErrorCode = "TransactionCanceledException" }));

    private static TransactionCanceledException Cancelled(params string[] reasons) => new("Transaction cancelled")
    {
        ErrorCode = "TransactionCanceledException",
        CancellationReasons = reasons.Select(r => new CancellationReason { Code = r }).ToList(),
    };
}
