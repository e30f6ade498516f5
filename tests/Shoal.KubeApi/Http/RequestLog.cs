namespace Shoal.KubeApi.Http;

/// <summary>Every answered request, in arrival order of the answers; safe to read while requests are in flight.</summary>
internal sealed class RequestLog(Action<string>? sink)
{
    private readonly Lock gate = new();
    private readonly List<KubeApiRequest> requests = [];

    public void Add(KubeApiRequest request)
    {
        lock (gate)
        {
            requests.Add(request);
        }

        sink?.Invoke($"{request.StatusCode} {request.Method} {request.Path}{request.Query} ({request.Verb}{(request.Resource is null ? "" : " " + request.Resource)})");
    }

    public IReadOnlyList<KubeApiRequest> Snapshot()
    {
        lock (gate)
        {
            return [.. requests];
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            requests.Clear();
        }
    }
}
