using System.Net;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace Shoal.Aws.Errors;

/// <summary>
/// The one place that reads AWS error codes. Everything else asks for a kind and never looks at
/// strings, so a new code is taught here once.
/// </summary>
public static class AwsErrorClassifier
{
    private static readonly HashSet<string> ThrottledCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "RequestThrottled",
        "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "SlowDown", "ServiceUnavailable", "InternalError", "InternalFailure",
        "ServiceUnavailableException", "InternalServerError", "RequestTimeout", "RequestTimeoutException",
        "PriorRequestNotComplete", "EC2ThrottledException", "LimitExceededException",
        "AWS.SimpleQueueService.RequestThrottled",
    };

    private static readonly HashSet<string> CapacityCodes = new(StringComparer.Ordinal)
    {
        "InsufficientInstanceCapacity", "InsufficientCapacity", "InsufficientHostCapacity",
        "InsufficientReservedInstanceCapacity", "MaxSpotInstanceCountExceeded", "SpotMaxPriceTooLow",
        "UnfulfillableCapacity", "InstanceLimitExceeded", "VcpuLimitExceeded", "InsufficientFreeAddressesInSubnet",

        // CreateFleet's per-override "this type is not offered in this zone": an offering to skip, like Karpenter does.
        "Unsupported",
    };

    // Not SSM's InvalidDocument: a missing document will not appear by waiting, and on SendCommand
    // NotFound must mean only InvalidInstanceId (an agent that has not registered yet).
    private static readonly HashSet<string> NotFoundCodes = new(StringComparer.Ordinal)
    {
        "InvalidInstanceID.NotFound", "InvalidInstanceId", "InvocationDoesNotExist", "ResourceNotFoundException",
        "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "NoSuchKey", "NoSuchBucket", "NotFound",
        "InvalidLaunchTemplateName.NotFoundException", "InvalidLaunchTemplateId.NotFound", "InvalidAMIID.NotFound",
        "InvalidSubnetID.NotFound", "InvalidGroup.NotFound", "InvalidFleetId.NotFound", "ParameterNotFound",
        "ReceiptHandleIsInvalid", "MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight",
    };

    private static readonly HashSet<string> UnauthorizedCodes = new(StringComparer.Ordinal)
    {
        "UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "UnrecognizedClientException",
        "InvalidClientTokenId", "AuthFailure", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException",
        "InvalidAccessKeyId", "MissingAuthenticationToken", "OptInRequired", "Blocked",
    };

    private static readonly HashSet<string> ConditionCodes = new(StringComparer.Ordinal)
    {
        "ConditionalCheckFailedException", "TransactionCanceledException", "PreconditionFailed",
    };

    // DynamoDB's per-item reasons inside a TransactionCanceledException: the exception's own code
    // says only "cancelled", the reasons say whether it was a lost condition or throttling/contention.
    private static readonly Dictionary<string, AwsErrorKind> CancellationReasonKinds = new(StringComparer.Ordinal)
    {
        ["ConditionalCheckFailed"] = AwsErrorKind.ConditionFailed,
        ["TransactionConflict"] = AwsErrorKind.Throttled,
        ["ThrottlingError"] = AwsErrorKind.Throttled,
        ["ProvisionedThroughputExceeded"] = AwsErrorKind.Throttled,
        ["RequestLimitExceeded"] = AwsErrorKind.Throttled,
        ["ValidationError"] = AwsErrorKind.Invalid,
        ["ItemCollectionSizeLimitExceeded"] = AwsErrorKind.Invalid,
    };

    public static AwsErrorKind Classify(Exception error) => error switch
    {
        TransactionCanceledException { CancellationReasons.Count: > 0 } cancelled => ClassifyCancellation(cancelled),
        // Real SQS answers a visibility change on a stale receipt handle with this generic code
        // ("... for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not
        // available for visibility timeout change."): the message it names is gone, not the request wrong.
        AmazonServiceException { ErrorCode: "InvalidParameterValue" } service when service.Message.Contains("ReceiptHandle", StringComparison.Ordinal) => AwsErrorKind.NotFound,
        AmazonServiceException service => Classify(service.ErrorCode, service.StatusCode),
        HttpRequestException or TimeoutException or IOException => AwsErrorKind.Throttled,
        _ => AwsErrorKind.Unknown,
    };

    public static AwsErrorKind Classify(string? code, HttpStatusCode status = 0)
    {
        if (!string.IsNullOrEmpty(code))
        {
            if (ThrottledCodes.Contains(code))
            {
                return AwsErrorKind.Throttled;
            }

            if (CapacityCodes.Contains(code))
            {
                return AwsErrorKind.Capacity;
            }

            if (NotFoundCodes.Contains(code) || code.EndsWith(".NotFound", StringComparison.Ordinal))
            {
                return AwsErrorKind.NotFound;
            }

            if (UnauthorizedCodes.Contains(code))
            {
                return AwsErrorKind.Unauthorized;
            }

            if (ConditionCodes.Contains(code))
            {
                return AwsErrorKind.ConditionFailed;
            }

            if (code.StartsWith("Invalid", StringComparison.Ordinal) || code.EndsWith("ValidationException", StringComparison.Ordinal)
                || code is "ValidationError" or "MissingParameter" or "UnsupportedOperation" or "InvalidParameterValue" or "InvalidParameterCombination")
            {
                return AwsErrorKind.Invalid;
            }
        }

        return status switch
        {
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway
                or HttpStatusCode.GatewayTimeout or HttpStatusCode.InternalServerError => AwsErrorKind.Throttled,
            HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => AwsErrorKind.Unauthorized,
            HttpStatusCode.NotFound => AwsErrorKind.NotFound,
            HttpStatusCode.BadRequest => AwsErrorKind.Invalid,
            _ => AwsErrorKind.Unknown,
        };
    }

    /// <summary>
    /// True when a failed request may still have been carried out: its answer was lost (a timeout, a broken
    /// connection) or the service failed after taking it (5xx). A 4xx answer, throttling included, means it
    /// was refused. A call without an idempotency token (SSM SendCommand) must look for its effect before it
    /// is sent again.
    /// </summary>
    public static bool MayHaveSucceeded(Exception error) => error switch
    {
        AmazonServiceException { InnerException: HttpRequestException or TimeoutException or IOException } => true,
        AmazonServiceException service => (int)service.StatusCode >= 500,
        HttpRequestException or TimeoutException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// The kind of the reason DynamoDB gave for one item of a cancelled transaction (index as in the
    /// request); Unknown for "None" (that item was fine) or when no reason was returned.
    /// </summary>
    public static AwsErrorKind ClassifyCancellationReason(TransactionCanceledException error, int index)
    {
        ArgumentNullException.ThrowIfNull(error);
        var reasons = error.CancellationReasons;
        return reasons is not null && index >= 0 && index < reasons.Count && reasons[index]?.Code is { } code
            && CancellationReasonKinds.TryGetValue(code, out var kind) ? kind : AwsErrorKind.Unknown;
    }

    // A lost condition is definitive (retrying cannot win it); otherwise throttling or contention on any
    // item makes the whole transaction worth retrying.
    private static AwsErrorKind ClassifyCancellation(TransactionCanceledException error)
    {
        var kinds = Enumerable.Range(0, error.CancellationReasons.Count).Select(i => ClassifyCancellationReason(error, i)).ToList();
        return kinds.Contains(AwsErrorKind.ConditionFailed) ? AwsErrorKind.ConditionFailed
            : kinds.Contains(AwsErrorKind.Throttled) ? AwsErrorKind.Throttled
            : kinds.Contains(AwsErrorKind.Invalid) ? AwsErrorKind.Invalid
            : AwsErrorKind.Unknown;
    }

    /// <summary>A CamelCase reason and a short message for conditions and job records.</summary>
    public static (string Reason, string Message) ToReasonMessage(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var kind = Classify(error);
        var code = (error as AmazonServiceException)?.ErrorCode;
        var message = string.IsNullOrEmpty(code) ? error.Message : $"{code}: {error.Message}";
        return (kind switch
        {
            AwsErrorKind.Throttled => "AwsThrottled",
            AwsErrorKind.Capacity => "InsufficientCapacity",
            AwsErrorKind.NotFound => "AwsResourceNotFound",
            AwsErrorKind.Unauthorized => "AwsUnauthorized",
            AwsErrorKind.Invalid => "AwsInvalidRequest",
            AwsErrorKind.ConditionFailed => "AwsConditionFailed",
            _ => "AwsError",
        }, message.Length > 300 ? message[..297] + "..." : message);
    }
}
