using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Shoal.KubeApi.Discovery;
using Shoal.KubeApi.Resources;
using Shoal.KubeApi.Selectors;
using Shoal.KubeApi.Storage;
using Shoal.KubeApi.Tables;

namespace Shoal.KubeApi.Http;

/// <summary>Routes every request: /version, discovery, OpenAPI, and the resource verbs; records each answer.</summary>
internal sealed class ApiHandler(ObjectStore store, ResourceRegistry registry, ResourceOperations operations, WatchStreamer watches,
    FailureInjector failures, RequestLog log, KubeApiServerOptions options)
{
    private const string JsonContentType = "application/json";

    private sealed class Exchange(HttpContext http, ApiPath path)
    {
        public HttpContext Http { get; } = http;

        public ApiPath Path { get; } = path;

        public string Verb { get; set; } = http.Request.Method.ToLowerInvariant();

        public bool Logged { get; set; }

        public List<string> Warnings { get; } = [];
    }

    public async Task HandleAsync(HttpContext http)
    {
        var exchange = new Exchange(http, ApiPath.Parse(http.Request.Path.Value));
        try
        {
            await RouteAsync(exchange);
        }
        catch (ApiException e)
        {
            if (!http.Response.HasStarted)
            {
                await WriteJsonAsync(exchange, e.Code, e.ToStatus());
            }
        }
        catch (BadHttpRequestException e)
        {
            if (!http.Response.HasStarted)
            {
                await WriteJsonAsync(exchange, 400, ApiException.BadRequest(e.Message).ToStatus());
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the emulator: answer like the real server's "Internal error occurred" and say where.
            options.RequestLog?.Invoke($"internal error: {e}");
            if (!http.Response.HasStarted)
            {
                await WriteJsonAsync(exchange, 500, ApiException.Status(500, "InternalError", $"Internal error occurred: {e.GetType().Name}: {e.Message}", null));
            }
        }
        finally
        {
            Record(exchange, http.Response.StatusCode);
        }
    }

    private void Record(Exchange exchange, int statusCode)
    {
        if (exchange.Logged)
        {
            return;
        }

        exchange.Logged = true;
        var request = exchange.Http.Request;
        var path = exchange.Path;
        var isResource = path.Kind == ApiPathKind.Resource;
        log.Add(new KubeApiRequest(
            request.Method,
            request.Path.Value ?? "",
            request.QueryString.Value ?? "",
            exchange.Verb,
            isResource ? path.Group : null,
            isResource ? path.Version : null,
            isResource ? path.Resource : null,
            isResource ? path.Subresource : null,
            isResource ? path.Namespace : null,
            isResource ? path.Name : null,
            statusCode,
            request.Headers.UserAgent.ToString(),
            request.ContentType));
    }

    private Task RouteAsync(Exchange exchange)
    {
        var path = exchange.Path;
        var method = exchange.Http.Request.Method;
        if (path.Kind != ApiPathKind.Resource && method != "GET")
        {
            throw ApiException.MethodNotAllowed();
        }

        return path.Kind switch
        {
            ApiPathKind.Version => WriteJsonAsync(exchange, 200, VersionInfo()),
            ApiPathKind.CoreRoot => DiscoveryAsync(exchange, core: true),
            ApiPathKind.GroupsRoot => DiscoveryAsync(exchange, core: false),
            ApiPathKind.Group => WriteJsonAsync(exchange, 200,
                DiscoveryDocuments.LegacyGroup(registry.All(), path.Group) ?? throw ApiException.NoSuchResource()),
            ApiPathKind.GroupVersion => WriteJsonAsync(exchange, 200,
                DiscoveryDocuments.ResourceList(registry.All(), path.Group, path.Version) ?? throw ApiException.NoSuchResource()),
            ApiPathKind.OpenApiV3Root => WriteJsonAsync(exchange, 200, OpenApiDocuments.Root(registry.All())),
            ApiPathKind.OpenApiV3Document => WriteJsonAsync(exchange, 200,
                OpenApiDocuments.Document(registry.All(), path.Group, path.Version) ?? throw ApiException.NoSuchResource()),
            ApiPathKind.Resource => ResourceAsync(exchange),
            _ => throw ApiException.NoSuchResource(),
        };
    }

    private static JsonObject VersionInfo() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.4-shoal-kubeapi",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-04-22T00:00:00Z",
        ["goVersion"] = "go1.23.6",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    /// <summary>Aggregated discovery when the Accept header asks for it (in its order of preference), legacy otherwise.</summary>
    private Task DiscoveryAsync(Exchange exchange, bool core)
    {
        var types = registry.All();
        foreach (var mediaRange in AcceptRanges(exchange.Http.Request.Headers.Accept.ToString()))
        {
            if (mediaRange.Contains("as=apigroupdiscoverylist", StringComparison.Ordinal) && mediaRange.Contains("g=apidiscovery.k8s.io", StringComparison.Ordinal))
            {
                if (mediaRange.Contains("v=v2beta1", StringComparison.Ordinal))
                {
                    return WriteJsonAsync(exchange, 200, DiscoveryDocuments.Aggregated(types, core, "apidiscovery.k8s.io/v2beta1"), DiscoveryDocuments.AggregatedV2Beta1);
                }

                if (mediaRange.Contains("v=v2", StringComparison.Ordinal))
                {
                    return WriteJsonAsync(exchange, 200, DiscoveryDocuments.Aggregated(types, core, "apidiscovery.k8s.io/v2"), DiscoveryDocuments.AggregatedV2);
                }

                continue;
            }

            if (mediaRange.StartsWith(JsonContentType, StringComparison.Ordinal) || mediaRange.StartsWith("*/*", StringComparison.Ordinal))
            {
                break;
            }
        }

        var host = exchange.Http.Request.Host.Value ?? "127.0.0.1";
        return WriteJsonAsync(exchange, 200, core ? DiscoveryDocuments.LegacyCore(host) : DiscoveryDocuments.LegacyGroups(types));
    }

    private static IEnumerable<string> AcceptRanges(string accept)
        => accept.Length == 0
            ? [JsonContentType]
            : accept.Split(',').Select(r => r.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant());

    private async Task ResourceAsync(Exchange exchange)
    {
        var path = exchange.Path;
        var request = exchange.Http.Request;
        var query = request.Query;
        var type = registry.Find(path.Group, path.Version, path.Resource!) ?? throw ApiException.NoSuchResource();
        if ((path.Namespace is not null && !type.Namespaced)
            || (path.Subresource is not null && !(path.Subresource == "status" && type.HasStatusSubresource)))
        {
            throw ApiException.NoSuchResource();
        }

        var isWatch = IsTrue(query["watch"]);
        exchange.Verb = request.Method switch
        {
            "GET" when isWatch => "watch",
            "GET" when path.Name is null => "list",
            "GET" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when path.Name is null => "deletecollection",
            "DELETE" => "delete",
            _ => throw ApiException.MethodNotAllowed(),
        };

        var injected = failures.Take(exchange.Verb, path.Resource, path.Subresource);
        if (injected is { } code && !(exchange.Verb == "watch" && code == 410))
        {
            throw ApiException.Injected(code, exchange.Verb, path.Resource!);
        }

        var ns = type.Namespaced ? path.Namespace : null;
        var accept = request.Headers.Accept.ToString();
        var table = accept.Contains("as=Table", StringComparison.OrdinalIgnoreCase);
        var includeObject = query["includeObject"].ToString() is { Length: > 0 } include ? include : "Metadata";
        var now = options.TimeProvider.GetUtcNow();

        switch (exchange.Verb)
        {
            case "watch":
                var watch = new WatchStreamer.Request(type, ns, LabelSelector.Parse(query["labelSelector"]),
                    FieldSelector.Parse(Fields(query["fieldSelector"], path.Name), type), query["resourceVersion"],
                    IsTrue(query["allowWatchBookmarks"]), IsTrue(query["sendInitialEvents"]),
                    int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var timeout) ? timeout : null,
                    table, includeObject, InjectGone: injected == 410);
                await watches.StreamAsync(exchange.Http, watch, status => Record(exchange, status));
                return;
            case "list":
                var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
                var (items, listMetadata) = operations.List(type, ns, LabelSelector.Parse(query["labelSelector"]),
                    FieldSelector.Parse(query["fieldSelector"], type), limit, query["continue"]);
                if (table)
                {
                    await WriteJsonAsync(exchange, 200, TableRenderer.Render(type, items, now, includeObject, listMetadata));
                    return;
                }

                await WriteJsonAsync(exchange, 200, new JsonObject
                {
                    ["apiVersion"] = type.ApiVersion,
                    ["kind"] = type.ListKind,
                    ["metadata"] = listMetadata,
                    ["items"] = new JsonArray([.. items]),
                });
                return;
            case "get":
                var obj = operations.Get(type, ns, path.Name!);
                await WriteJsonAsync(exchange, 200, table
                    ? TableRenderer.Render(type, [obj], now, includeObject, new JsonObject { ["resourceVersion"] = Json.Str(obj, "metadata", "resourceVersion") })
                    : obj);
                return;
        }

        var body = await ReadBodyAsync(request);
        var writeOptions = WriteOptionsFrom(query);
        switch (exchange.Verb)
        {
            case "create":
                if (type.Namespaced && ns is null)
                {
                    throw ApiException.NoSuchResource();
                }

                var created = operations.Create(type, ns, Json.ParseObject(body), writeOptions);
                exchange.Warnings.AddRange(writeOptions.Warnings);
                await WriteJsonAsync(exchange, 201, created);
                return;
            case "update":
                var updated = operations.Update(type, ns, path.Name!, path.Subresource, Json.ParseObject(body), writeOptions);
                exchange.Warnings.AddRange(writeOptions.Warnings);
                await WriteJsonAsync(exchange, 200, updated);
                return;
            case "patch":
                var (patched, wasCreated) = operations.Patch(type, ns, path.Name!, path.Subresource, request.ContentType ?? "", body, writeOptions);
                exchange.Warnings.AddRange(writeOptions.Warnings);
                await WriteJsonAsync(exchange, wasCreated ? 201 : 200, patched);
                return;
            case "delete":
                var deleteOptions = body.Length == 0 ? null : Json.ParseObject(body);
                await WriteJsonAsync(exchange, 200, operations.Delete(type, ns, path.Name!, deleteOptions, writeOptions));
                return;
            case "deletecollection":
                var deleted = operations.DeleteCollection(type, ns, LabelSelector.Parse(query["labelSelector"]),
                    FieldSelector.Parse(query["fieldSelector"], type), writeOptions);
                await WriteJsonAsync(exchange, 200, new JsonObject
                {
                    ["apiVersion"] = type.ApiVersion,
                    ["kind"] = type.ListKind,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = store.Revision.ToString(CultureInfo.InvariantCulture) },
                    ["items"] = new JsonArray([.. deleted]),
                });
                return;
        }
    }

    /// <summary>A watch on one named object (…/gadgets/x?watch=true) is a watch with a metadata.name selector.</summary>
    private static string? Fields(string? fieldSelector, string? name)
        => name is null ? fieldSelector : string.IsNullOrEmpty(fieldSelector) ? $"metadata.name={name}" : $"{fieldSelector},metadata.name={name}";

    private static WriteOptions WriteOptionsFrom(IQueryCollection query)
    {
        var validation = query["fieldValidation"].ToString();
        if (validation.Length > 0 && validation is not ("Strict" or "Warn" or "Ignore"))
        {
            throw ApiException.BadRequest($"fieldValidation: Unsupported value: \"{validation}\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
        }

        return new WriteOptions
        {
            DryRun = query["dryRun"].ToString() == "All",
            FieldValidation = validation.Length == 0 ? "Warn" : validation,
            FieldManager = query["fieldManager"].ToString() is { Length: > 0 } manager ? manager : null,
            Force = IsTrue(query["force"]),
        };
    }

    private static bool IsTrue(string? value) => value is "true" or "1" or "True";

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private async Task WriteJsonAsync(Exchange exchange, int statusCode, JsonNode body, string contentType = JsonContentType)
    {
        var response = exchange.Http.Response;
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        foreach (var warning in exchange.Warnings.Distinct())
        {
            response.Headers.Append("Warning", $"299 - \"{warning.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, Json.Compact);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
        Record(exchange, statusCode);
    }
}
