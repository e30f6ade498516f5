using Shoal.Core.Ports;

namespace Shoal.Bench;

/// <summary>
/// The worker loops' queue, with the pool runner's depth checks sent through a second SqsJobQueue over
/// other SDK clients, so their requests land in another counter. Both are the same SqsJobQueue class on
/// the same URLs: nothing else changes.
/// </summary>
internal sealed class SplitQueue(IJobQueue workers, IJobQueue scaler) : IJobQueue
{
    public string Name => workers.Name;

    public Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken) => workers.SendAsync(body, delay, cancellationToken);

    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken) => workers.ReceiveAsync(max, visibility, wait, cancellationToken);

    public Task ExtendAsync(QueueMessage message, TimeSpan visibility, CancellationToken cancellationToken) => workers.ExtendAsync(message, visibility, cancellationToken);

    public Task ReleaseAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken) => workers.ReleaseAsync(message, delay, cancellationToken);

    public Task CompleteAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken) => workers.CompleteAsync(message, resultJson, cancellationToken);

    public Task DeadLetterAsync(QueueMessage message, string resultJson, CancellationToken cancellationToken) => workers.DeadLetterAsync(message, resultJson, cancellationToken);

    public Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken) => scaler.GetDepthAsync(cancellationToken);
}
