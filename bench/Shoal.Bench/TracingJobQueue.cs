using Shoal.Core.Ports;

namespace Shoal.Bench;

/// <summary>Times every queue call; the engine sees the same queue it would without the bench.</summary>
internal sealed class TracingJobQueue(IJobQueue inner, PortTrace trace) : IJobQueue
{
    public string Name => inner.Name;

    public async Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            await inner.SendAsync(body, delay, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "queue.Send", start);
        }
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        var got = 0;
        try
        {
            var messages = await inner.ReceiveAsync(max, visibility, wait, cancellationToken);
            got = messages.Count;
            return messages;
        }
        finally
        {
            // An empty receive is a long poll that found nothing: a different thing from a delivery.
            trace.Add(caller, got > 0 ? "queue.Receive" : "queue.Receive(empty)", start);
        }
    }

    public async Task ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            await inner.ExtendAsync(message, visibility, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "queue.Extend", start);
        }
    }

    public async Task ReleaseAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            await inner.ReleaseAsync(message, delay, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "queue.Release", start);
        }
    }

    public async Task CompleteAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            await inner.CompleteAsync(message, resultJson, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "queue.Complete", start);
        }
    }

    public async Task DeadLetterAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            await inner.DeadLetterAsync(message, resultJson, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "queue.DeadLetter", start);
        }
    }

    public async Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            return await inner.GetDepthAsync(cancellationToken);
        }
        finally
        {
            trace.Add(caller, "queue.GetDepth", start);
        }
    }
}
