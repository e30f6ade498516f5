using System.Net;
using Amazon.Runtime;
using Amazon.SQS.Model;

namespace Shoal.Aws.Tests.Queue;

/// <summary>AWS errors as the SDK raises them, with the codes real SQS sends.</summary>
public static class AwsErrors
{
    public static AmazonServiceException Throttled() =>
        new("Rate exceeded", ErrorType.Sender, "RequestThrottled", "req-1", HttpStatusCode.BadRequest);

    public static AmazonServiceException AccessDenied() =>
        new("User: arn:aws:sts::123456789012:assumed-role/shoal is not authorized to perform: sqs:ReceiveMessage", ErrorType.Sender, "AccessDenied", "req-2", HttpStatusCode.Forbidden);

    public static AmazonServiceException QueueDoesNotExist() =>
        new QueueDoesNotExistException("The specified queue does not exist.") { ErrorCode = "AWS.SimpleQueueService.NonExistentQueue", StatusCode = HttpStatusCode.BadRequest };

    public static AmazonServiceException ReceiptHandleIsInvalid() =>
        new ReceiptHandleIsInvalidException("The input receipt handle is invalid.") { ErrorCode = "ReceiptHandleIsInvalid", StatusCode = HttpStatusCode.BadRequest };

    /// <summary>What real SQS answers a visibility change on a handle whose message is gone or received again.</summary>
    public static AmazonServiceException StaleHandleOnRealSqs() =>
        new("Value AQEBx for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.",
            ErrorType.Sender, "InvalidParameterValue", "req-3", HttpStatusCode.BadRequest);

    public static AmazonServiceException InvalidParameter() =>
        new("Value 50000 for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.", ErrorType.Sender, "InvalidParameterValue", "req-4", HttpStatusCode.BadRequest);
}
