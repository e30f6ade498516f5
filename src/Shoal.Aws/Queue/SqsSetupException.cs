namespace Shoal.Aws.Queue;

/// <summary>
/// A queue, or what feeds it (a bucket notification), could not be found, created or used.
/// <see cref="Reason"/> is a CamelCase reason for a status condition; the message says what was
/// wrong and what to do about it.
/// </summary>
public sealed class SqsSetupException(string reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Reason { get; } = reason;
}
