using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Shoal.SsmDouble.Http;

/// <summary>
/// Sends a request on to the upstream as it came (method, path and query, headers, body) and the
/// answer back as it came. Nothing is re-signed: moto ignores signatures.
/// </summary>
internal sealed class UpstreamProxy(HttpClient http, Uri upstream)
{
    // Hop-by-hop headers, and the ones HttpClient and Kestrel set themselves.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Host", "Expect", "Content-Length",
    };

    public async Task ForwardAsync(HttpContext context)
    {
        var incoming = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : incoming.Path + incoming.QueryString;
        using var message = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(upstream, rawTarget));

        using var body = new MemoryStream();
        await incoming.Body.CopyToAsync(body, context.RequestAborted);
        if (body.Length > 0 || incoming.ContentLength is not null)
        {
            message.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (!NotForwarded.Contains(name) && !message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!NotForwarded.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
