using System.Net;
using System.Text.RegularExpressions;

namespace Shoal.Aws.Sdk;

/// <summary>
/// Names each request the way AWS does: X-Amz-Target for the JSON protocols (SQS, DynamoDB, SSM),
/// Action= in the form body for the query protocol (EC2), method and shape for S3's REST API.
/// </summary>
internal sealed partial class CountingHandler(AwsCallCounter counter, string service) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = await OperationOfAsync(request, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        counter.Record($"{service}.{operation}", response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
            || (response.StatusCode == HttpStatusCode.BadRequest && await MentionsThrottlingAsync(response, cancellationToken)));
        return response;
    }

    private static async Task<string> OperationOfAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues("X-Amz-Target", out var targets) && targets.FirstOrDefault() is { } target)
        {
            return target[(target.LastIndexOf('.') + 1)..];
        }

        if (request.Content is { Headers.ContentType.MediaType: "application/x-www-form-urlencoded" } content)
        {
            await content.LoadIntoBufferAsync(cancellationToken);
            var body = await content.ReadAsStringAsync(cancellationToken);
            if (ActionPattern().Match(body) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }
        }

        // S3's REST API: the method and whether the path names an object or a bucket.
        var path = request.RequestUri?.AbsolutePath.Trim('/') ?? string.Empty;
        var kind = path.Contains('/', StringComparison.Ordinal) ? "Object" : "Bucket";
        var query = request.RequestUri?.Query ?? string.Empty;
        return query.Contains("list-type", StringComparison.Ordinal) ? "ListObjectsV2" : $"{request.Method.Method}{kind}";
    }

    private static async Task<bool> MentionsThrottlingAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return body.Contains("Throttl", StringComparison.Ordinal) || body.Contains("RequestLimitExceeded", StringComparison.Ordinal)
            || body.Contains("SlowDown", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?:^|&)Action=([A-Za-z0-9]+)")]
    private static partial Regex ActionPattern();
}
