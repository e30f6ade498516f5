using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Shoal.KubeApi.Tests.Support;

/// <summary>Plain HTTP against the emulator, for assertions on exact status codes and Status bodies.</summary>
public sealed class RawApi(KubeApiServer server) : IDisposable
{
    public const string Gadgets = "/apis/testing.shoal.dev/v1/namespaces/default/gadgets";

    private readonly HttpClient http = new() { BaseAddress = server.BaseAddress };

    public async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseHeaders Headers)> SendAsync(HttpMethod method, string path,
        string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
        return (response.StatusCode, json, response.Headers);
    }

    public Task<(HttpStatusCode Status, JsonObject Body, HttpResponseHeaders Headers)> GetAsync(string path, string? accept = null)
        => SendAsync(HttpMethod.Get, path, accept: accept);

    public Task<(HttpStatusCode Status, JsonObject Body, HttpResponseHeaders Headers)> PostAsync(string path, string body)
        => SendAsync(HttpMethod.Post, path, body);

    public Task<(HttpStatusCode Status, JsonObject Body, HttpResponseHeaders Headers)> PutAsync(string path, string body)
        => SendAsync(HttpMethod.Put, path, body);

    public Task<(HttpStatusCode Status, JsonObject Body, HttpResponseHeaders Headers)> PatchAsync(string path, string body,
        string contentType = "application/merge-patch+json")
        => SendAsync(HttpMethod.Patch, path, body, contentType);

    public Task<(HttpStatusCode Status, JsonObject Body, HttpResponseHeaders Headers)> DeleteAsync(string path)
        => SendAsync(HttpMethod.Delete, path);

    /// <summary>Registers the test CRD (gadgets.testing.shoal.dev) without kubectl.</summary>
    public async Task RegisterGadgetsAsync()
    {
        var crd = Patching.YamlToJson.Parse(await File.ReadAllTextAsync(Kubectl.Fixture("gadgets-crd.yaml")))!;
        var (status, body, _) = await PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd.ToJsonString());
        if (status != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"CRD registration failed with {status}: {body}");
        }
    }

    public static string Gadget(string name, int size = 1, string mode = "fast", string extraMetadata = "")
        => $$$"""{"apiVersion":"testing.shoal.dev/v1","kind":"Gadget","metadata":{"name":"{{{name}}}"{{{extraMetadata}}}},"spec":{"size":{{{size}}},"mode":"{{{mode}}}"}}""";

    public async Task<JsonObject> CreateGadgetAsync(string name, int size = 1, string mode = "fast", string extraMetadata = "")
    {
        var (status, body, _) = await PostAsync(Gadgets, Gadget(name, size, mode, extraMetadata));
        return status == HttpStatusCode.Created ? body : throw new InvalidOperationException($"create {name} failed with {status}: {body}");
    }

    public void Dispose() => http.Dispose();
}
