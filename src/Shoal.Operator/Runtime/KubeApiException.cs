namespace Shoal.Operator.Runtime;

// An API server answer other than success, with its Status body's code and reason (AlreadyExists, Conflict,
// Forbidden, Invalid...) so callers branch on those and never on message text.
public sealed class KubeApiException : Exception
{
    public KubeApiException()
        : this(0, null, "the Kubernetes API server returned an error")
    {
    }

    public KubeApiException(string message)
        : this(0, null, message)
    {
    }

    public KubeApiException(string message, Exception innerException)
        : this(0, null, message, innerException)
    {
    }

    public KubeApiException(int statusCode, string? reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Reason = reason;
    }

    public int StatusCode { get; }

    public string? Reason { get; }

    public bool IsConflict => StatusCode == 409;

    public bool IsNotFound => StatusCode == 404;
}
