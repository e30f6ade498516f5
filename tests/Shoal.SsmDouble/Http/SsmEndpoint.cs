using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Shoal.SsmDouble.Http;

/// <summary>
/// The one route: POST / with X-Amz-Target "AmazonSSM.&lt;Operation&gt;" (SSM's JSON 1.1 protocol) for an
/// operation the double serves; anything else goes to the upstream unchanged.
/// </summary>
internal sealed class SsmEndpoint(SsmOperations operations, UpstreamProxy proxy, ILogger logger)
{
    private const string TargetPrefix = "AmazonSSM.";
    private const string ContentType = "application/x-amz-json-1.1";

    private readonly IReadOnlyDictionary<string, Func<JsonObject, CancellationToken, Task<JsonObject>>> handlers = operations.Handlers;

    public async Task HandleAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        if (context.Request.Method != HttpMethods.Post || context.Request.Path != "/" || !target.StartsWith(TargetPrefix, StringComparison.Ordinal)
            || !handlers.TryGetValue(target[TargetPrefix.Length..], out var handler))
        {
            await ForwardAsync(context, target);
            return;
        }

        var operation = target[TargetPrefix.Length..];
        try
        {
            var request = await ReadAsync(context);
            var response = await handler(request, context.RequestAborted);
            await WriteAsync(context, HttpStatusCode.OK, response);
        }
        catch (SsmFault fault)
        {
            logger.LogDebug("{Operation}: {Code} {Message}", operation, fault.Code, fault.Message);
            await WriteAsync(context, fault.Status, new JsonObject { ["__type"] = fault.Code, ["message"] = fault.Message });
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException && !context.RequestAborted.IsCancellationRequested)
        {
            // The upstream (EC2 for instance states, S3 is never awaited here) failed: a 500, which the SDK retries.
            logger.LogWarning("{Operation}: the upstream failed: {Message}", operation, e.Message);
            await WriteAsync(context, HttpStatusCode.InternalServerError,
                new JsonObject { ["__type"] = "InternalServerError", ["message"] = $"The SSM double could not ask the upstream: {e.Message}" });
        }
    }

    private static async Task<JsonObject> ReadAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject
                ?? throw new SsmFault("SerializationException", "The request body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new SsmFault("SerializationException", $"The request body is not JSON: {e.Message}");
        }
    }

    private static async Task WriteAsync(HttpContext context, HttpStatusCode status, JsonObject body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private async Task ForwardAsync(HttpContext context, string target)
    {
        try
        {
            await proxy.ForwardAsync(context);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("Could not forward {Method} {Path} ({Target}) upstream: {Message}", context.Request.Method, context.Request.Path, target, e.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = (int)HttpStatusCode.BadGateway;
                await context.Response.WriteAsync($"The SSM double could not reach its upstream: {e.Message}", context.RequestAborted);
            }
        }
    }
}
