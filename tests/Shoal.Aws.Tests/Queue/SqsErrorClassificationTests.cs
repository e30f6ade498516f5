using Amazon.Runtime;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Tests.Queue;

/// <summary>The SQS codes this branch taught the classifier: every way SQS says "that receipt is stale".</summary>
public sealed class SqsErrorClassificationTests
{
    [Fact]
    public void Every_form_of_a_stale_receipt_handle_is_not_found()
    {
        Assert.Equal(AwsErrorKind.NotFound, AwsErrorClassifier.Classify(AwsErrors.ReceiptHandleIsInvalid()));
        Assert.Equal(AwsErrorKind.NotFound, AwsErrorClassifier.Classify(AwsErrors.StaleHandleOnRealSqs()));
        Assert.Equal(AwsErrorKind.NotFound, AwsErrorClassifier.Classify("MessageNotInflight"));
        Assert.Equal(AwsErrorKind.NotFound, AwsErrorClassifier.Classify("AWS.SimpleQueueService.MessageNotInflight"));
    }

    [Fact]
    public void Other_invalid_parameters_stay_invalid()
    {
        Assert.Equal(AwsErrorKind.Invalid, AwsErrorClassifier.Classify(AwsErrors.InvalidParameter()));
        Assert.Equal(AwsErrorKind.Invalid, AwsErrorClassifier.Classify(new AmazonServiceException("Value 70 for parameter MaxNumberOfMessages is invalid.") { ErrorCode = "InvalidParameterValue" }));
    }

    [Fact]
    public void A_missing_queue_is_not_found_in_both_of_its_spellings()
    {
        Assert.Equal(AwsErrorKind.NotFound, AwsErrorClassifier.Classify(AwsErrors.QueueDoesNotExist()));
        Assert.Equal(AwsErrorKind.NotFound, AwsErrorClassifier.Classify("QueueDoesNotExist"));
    }
}
