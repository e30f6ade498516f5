namespace Shoal.Operator.Runtime;

// 410 Gone: the resourceVersion a watch (or a list's continue token) started from is older than the server
// keeps. The only cure is a fresh list; the informer does that.
public sealed class ResourceExpiredException : Exception
{
    public ResourceExpiredException()
        : this("the resourceVersion is too old (410 Gone); list again")
    {
    }

    public ResourceExpiredException(string message)
        : base(message)
    {
    }

    public ResourceExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
