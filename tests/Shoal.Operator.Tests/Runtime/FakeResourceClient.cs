using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Tests.Runtime;

// An in-memory IResourceClient for Workers whose list answers, list failures and watch streams the test
// scripts. Every watch the informer opens is handed to the test (NextWatchAsync) to feed events into.
internal sealed class FakeResourceClient : IResourceClient<Worker>
{
    private readonly Channel<FakeWatch> opened = Channel.CreateUnbounded<FakeWatch>();
    private readonly Lock gate = new();

    public ResourceKind Kind => ResourceKind.Worker;

    // What the next successful list returns.
    public List<Worker> Items { get; } = [];

    public string ListVersion { get; set; } = "1";

    public Queue<Exception> ListFailures { get; } = new();

    public List<string?> ListCalls { get; } = [];

    public List<string> WatchCalls { get; } = [];

    public List<(string Verb, string Namespace, string Name, string Json)> Patches { get; } = [];

    // What PatchAsync answers; by default the object as the Items list has it (null when absent).
    public Func<string, string, Worker?>? PatchResult { get; set; }

    public Task<FakeWatch> NextWatchAsync() => opened.Reader.ReadAsync().AsTask().WaitAsync(Wait.Deadline);

    public Task<ResourceList<Worker>> ListAsync(string? @namespace, CancellationToken ct)
    {
        lock (gate)
        {
            ListCalls.Add(@namespace);
            if (ListFailures.TryDequeue(out var failure))
            {
                return Task.FromException<ResourceList<Worker>>(failure);
            }

            return Task.FromResult(new ResourceList<Worker>([.. Items], ListVersion));
        }
    }

    public async IAsyncEnumerable<ResourceEvent<Worker>> WatchAsync(string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken ct)
    {
        var watch = new FakeWatch(resourceVersion);
        lock (gate)
        {
            WatchCalls.Add(resourceVersion);
        }

        opened.Writer.TryWrite(watch);
        await foreach (var e in watch.Events.Reader.ReadAllAsync(ct))
        {
            yield return e;
        }
    }

    public Task<Worker?> GetAsync(string @namespace, string name, CancellationToken ct) =>
        Task.FromResult(Find(@namespace, name));

    public List<Worker> Created { get; } = [];

    public List<(string Namespace, string Name)> Deleted { get; } = [];

    // Failures the next creates throw, in order.
    public Queue<Exception> CreateFailures { get; } = new();

    public Task<Worker> CreateAsync(Worker resource, CancellationToken ct)
    {
        lock (gate)
        {
            if (CreateFailures.TryDequeue(out var failure))
            {
                throw failure;
            }

            if (Items.Any(w => w.Metadata.Namespace == resource.Metadata.Namespace && w.Metadata.Name == resource.Metadata.Name))
            {
                throw new KubeApiException(409, "AlreadyExists", $"workers.shoal.dev \"{resource.Metadata.Name}\" already exists");
            }

            Created.Add(resource);
            Items.Add(resource);
            return Task.FromResult(resource);
        }
    }

    public Task<Worker?> PatchAsync(string @namespace, string name, object mergePatch, CancellationToken ct) =>
        Patch("patch", @namespace, name, mergePatch);

    public Task<Worker?> PatchStatusAsync(string @namespace, string name, object mergePatch, CancellationToken ct) =>
        Patch("patch-status", @namespace, name, mergePatch);

    public Task DeleteAsync(string @namespace, string name, CancellationToken ct)
    {
        lock (gate)
        {
            Deleted.Add((@namespace, name));
        }

        return Task.CompletedTask;
    }

    private Task<Worker?> Patch(string verb, string @namespace, string name, object mergePatch)
    {
        lock (gate)
        {
            Patches.Add((verb, @namespace, name, JsonSerializer.Serialize(mergePatch, mergePatch.GetType())));
        }

        return Task.FromResult(PatchResult is null ? Find(@namespace, name) : PatchResult(@namespace, name));
    }

    private Worker? Find(string @namespace, string name)
    {
        lock (gate)
        {
            return Items.FirstOrDefault(w => w.Metadata.Namespace == @namespace && w.Metadata.Name == name);
        }
    }
}
