using System.Threading.Channels;
using k8s;

namespace Shoal.KubeApi.Tests.Support;

/// <summary>
/// Collects what a KubernetesClient <see cref="Watcher{T}"/> reports (events, errors, the close) so a test can
/// await them one by one with a deadline.
/// </summary>
public sealed class WatchRecorder<T> : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly Channel<(WatchEventType Type, T Object)> events = Channel.CreateUnbounded<(WatchEventType, T)>();
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Exception> errors = [];
    private Watcher<T>? watcher;

    public IReadOnlyList<Exception> Errors
    {
        get
        {
            lock (errors)
            {
                return [.. errors];
            }
        }
    }

    public void OnEvent(WatchEventType type, T obj) => events.Writer.TryWrite((type, obj));

    public void OnError(Exception error)
    {
        lock (errors)
        {
            errors.Add(error);
        }
    }

    public void OnClosed()
    {
        events.Writer.TryComplete();
        closed.TrySetResult();
    }

    public void Attach(Watcher<T> watching) => watcher = watching;

    public async Task<(WatchEventType Type, T Object)> NextAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        if (!await events.Reader.WaitToReadAsync(deadline.Token))
        {
            throw new InvalidOperationException("the watch closed before the expected event; errors: " + string.Join("; ", Errors));
        }

        return await events.Reader.ReadAsync(deadline.Token);
    }

    public Task ClosedAsync() => closed.Task.WaitAsync(Deadline);

    public void Dispose() => watcher?.Dispose();
}
