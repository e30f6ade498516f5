namespace Shoal.Aws.Errors;

public enum AwsErrorKind
{
    /// <summary>Not an AWS service error we recognise (network, timeouts, bugs).</summary>
    Unknown,

    /// <summary>Slow down and try again: throttling, request limits, transient 5xx.</summary>
    Throttled,

    /// <summary>No capacity for this offering: try another type, zone or capacity type.</summary>
    Capacity,

    /// <summary>The thing named does not exist (or not yet: eventual consistency).</summary>
    NotFound,

    /// <summary>Credentials or permissions: a person must act.</summary>
    Unauthorized,

    /// <summary>The request itself is wrong: a person must fix the input.</summary>
    Invalid,

    /// <summary>A conditional write lost: someone else changed the item first.</summary>
    ConditionFailed,
}
