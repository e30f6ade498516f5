using System.Text.Json.Nodes;
using Shoal.KubeApi.Resources;
using Shoal.KubeApi.Schema;

namespace Shoal.KubeApi.Http;

/// <summary>
/// An error answered as a Kubernetes <c>Status</c> object. The factory methods reproduce the real API
/// server's messages word for word, because kubectl and client libraries show them to people as is.
/// </summary>
internal sealed class ApiException : Exception
{
    private ApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }

    public string Reason { get; }

    public JsonObject? Details { get; }

    public JsonObject ToStatus() => Status(Code, Reason, Message, Details);

    public static JsonObject Status(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details.DeepClone();
        }

        status["code"] = code;
        return status;
    }

    private static JsonObject NameDetails(string name, string group, string kind) => new()
    {
        ["name"] = name,
        ["group"] = group,
        ["kind"] = kind,
    };

    public static ApiException NotFound(ResourceType type, string name)
        => new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found", NameDetails(name, type.Group, type.Plural));

    public static ApiException NamespaceNotFound(string name)
        => new(404, "NotFound", $"namespaces \"{name}\" not found", NameDetails(name, "", "namespaces"));

    public static ApiException NoSuchResource()
        => new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiException AlreadyExists(ResourceType type, string name)
        => new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists", NameDetails(name, type.Group, type.Plural));

    public static ApiException Conflict(ResourceType type, string name, string why)
        => new(409, "Conflict", $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": {why}",
            NameDetails(name, type.Group, type.Plural));

    public static ApiException StaleResourceVersion(ResourceType type, string name)
        => Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var error in errors)
        {
            causes.Add(new JsonObject { ["reason"] = error.Reason, ["message"] = error.Body, ["field"] = error.Field });
        }

        var details = NameDetails(name, type.Group, type.Kind);
        details["causes"] = causes;
        var summary = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
        return new(422, "Invalid", $"{type.GroupKind} \"{name}\" is invalid: {summary}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException MethodNotAllowed()
        => new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject());

    public static ApiException UnsupportedMediaType(string contentType)
        => new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format ({contentType}) - accepted media types include: "
            + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");

    public static ApiException Expired(string message) => new(410, "Expired", message);

    /// <summary>An error a test asked for through KubeApiServer.InjectFailure.</summary>
    public static ApiException Injected(int code, string verb, string resource)
    {
        var reason = code switch
        {
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "NotFound",
            409 => "Conflict",
            410 => "Expired",
            422 => "Invalid",
            429 => "TooManyRequests",
            503 => "ServiceUnavailable",
            504 => "Timeout",
            _ => "InternalError",
        };
        var message = code == 410
            ? "too old resource version: injected by the test"
            : $"injected failure for {verb} {resource} (KubeApiServer.InjectFailure)";
        return new(code, reason, message, new JsonObject());
    }
}
