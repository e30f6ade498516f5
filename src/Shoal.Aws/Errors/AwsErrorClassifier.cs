using System.Net;
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
    };

    // Not SSM's InvalidDocument: a missing document will not appear by waiting, and on SendCommand
    // NotFound must mean only InvalidInstanceId (an agent that has not registered yet).
    private static readonly HashSet<string> NotFoundCodes = new(StringComparer.Ordinal)
    {
        "InvalidInstanceID.NotFound", "InvalidInstanceId", "InvocationDoesNotExist", "ResourceNotFoundException",
        "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "NoSuchKey", "NoSuchBucket", "NotFound",
        "InvalidLaunchTemplateName.NotFoundException", "InvalidLaunchTemplateId.NotFound", "InvalidAMIID.NotFound",
        "InvalidSubnetID.NotFound", "InvalidGroup.NotFound", "InvalidFleetId.NotFound", "ParameterNotFound",
        "ReceiptHandleIsInvalid",
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

    public static AwsErrorKind Classify(Exception error) => error switch
    {
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
