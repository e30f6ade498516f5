using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.Aws.Ingest;

internal enum S3EventKind
{
    /// <summary>Records of object events (possibly none that matter).</summary>
    Records,

    /// <summary>The s3:TestEvent S3 sends when a notification is configured.</summary>
    Test,

    /// <summary>Not an S3 event notification at all.</summary>
    Malformed,
}

/// <summary>One object event, its key already URL-decoded.</summary>
internal sealed record S3ObjectEvent(string EventName, string Bucket, string Key, JsonNode Raw);

/// <summary>
/// An SQS message from an S3 bucket notification. Keys arrive URL-encoded the way HTML forms encode
/// them: '+' is a space and %XX a UTF-8 byte (AWS leaves '/' as is; moto encodes it as %2F).
/// </summary>
internal sealed record S3EventMessage(S3EventKind Kind, IReadOnlyList<S3ObjectEvent> Events, string? Problem)
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    public static S3EventMessage Parse(string body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: Options);
        }
        catch (JsonException e)
        {
            return Malformed($"not JSON: {e.Message}");
        }

        if (root is not JsonObject message)
        {
            return Malformed("not a JSON object");
        }

        if (Text(message, "Event") == "s3:TestEvent")
        {
            return new S3EventMessage(S3EventKind.Test, [], null);
        }

        if (message["Records"] is not JsonArray records)
        {
            return Malformed("no Records array: not an S3 event notification");
        }

        var events = new List<S3ObjectEvent>(records.Count);
        foreach (var node in records)
        {
            if (node is not JsonObject record
                || Text(record, "eventName") is not { } name
                || record["s3"] is not JsonObject s3
                || s3["bucket"] is not JsonObject bucket || Text(bucket, "name") is not { Length: > 0 } bucketName
                || s3["object"] is not JsonObject obj || Text(obj, "key") is not { Length: > 0 } key)
            {
                return Malformed("a record lacks eventName, s3.bucket.name or s3.object.key");
            }

            events.Add(new S3ObjectEvent(name, bucketName, WebUtility.UrlDecode(key), record));
        }

        return new S3EventMessage(S3EventKind.Records, events, null);
    }

    private static S3EventMessage Malformed(string problem) => new(S3EventKind.Malformed, [], problem);

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
