using System.Net;

namespace Shoal.SsmDouble.Http;

/// <summary>An error answered the way SSM answers it: {"__type": code, "message": ...}, so the SDK raises the real exception type and code.</summary>
internal sealed class SsmFault(string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest) : Exception(message)
{
    public string Code { get; } = code;

    public HttpStatusCode Status { get; } = status;
}
