using System.Net;
using System.Text;

namespace Shoal.Operator.Tests.Runtime;

// Stands in for the API server at the end of KubernetesClient's HTTP pipeline: records each request as sent
// (after the client added credentials) and answers from a queue of canned responses.
internal sealed class StubHandler : DelegatingHandler
{
    private readonly Queue<Func<HttpResponseMessage>> answers = new();
    private readonly Lock gate = new();

    public List<RecordedRequest> Requests { get; } = [];

    public StubHandler Answer(HttpStatusCode code, string body, string contentType = "application/json")
    {
        lock (gate)
        {
            answers.Enqueue(() => new HttpResponseMessage(code) { Content = new StringContent(body, Encoding.UTF8, contentType) });
        }

        return this;
    }

    public StubHandler Status(int code, string reason, string message) =>
        Answer((HttpStatusCode)code, $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Func<HttpResponseMessage> answer;
        lock (gate)
        {
            Requests.Add(new RecordedRequest(
                request.Method.Method,
                request.RequestUri!.PathAndQuery,
                request.Content?.Headers.ContentType?.MediaType,
                body,
                request.Headers.Authorization?.ToString(),
                string.Join(",", request.Headers.Accept)));
            answer = answers.Count > 0 ? answers.Dequeue() : throw new InvalidOperationException($"no answer scripted for {request.Method} {request.RequestUri}");
        }

        // A real handler links the response to its request; KubernetesClient's typed API reads it from there.
        var response = answer();
        response.RequestMessage = request;
        return response;
    }
}
