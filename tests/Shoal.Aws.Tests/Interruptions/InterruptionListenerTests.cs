using Shoal.Aws.Errors;
using Shoal.Aws.Interruptions;
using Shoal.Aws.Queue;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Workers;

namespace Shoal.Aws.Tests.Interruptions;

/// <summary>
/// moto has no spot market and sends no interruption notices, so the events are put on a real (moto)
/// SQS queue by the test, shaped as EventBridge delivers them.
/// </summary>
public sealed class InterruptionListenerTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task Events_on_the_queue_reach_our_workers_and_every_message_is_deleted()
    {
        await moto.ResetAsync();
        using var clients = moto.NewClients();
        var sqs = new SqsApi(clients.Sqs);
        var url = await sqs.CreateQueueAsync("interruptions", new Dictionary<string, string>(), CancellationToken.None);
        foreach (var body in new[] { InterruptionEvents.Spot("i-ours"), InterruptionEvents.Rebalance("i-other"), "garbage", InterruptionEvents.State("i-ours", "running") })
        {
            await sqs.SendMessageAsync(url, body, 0, null, CancellationToken.None);
        }

        var signals = new Signals("i-ours");
        var listener = new InterruptionListener(sqs, url, new InterruptionHandler(signals), new AwsRetry(TimeProvider.System), TimeProvider.System);
        var processed = 0;
        for (var i = 0; i < 10 && processed < 4; i++)
        {
            processed += await listener.PollOnceAsync(1, CancellationToken.None);
        }

        Assert.Equal(4, processed);
        Assert.Equal(["interrupt i-ours SpotInterruption"], signals.Seen);
        var left = await sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], CancellationToken.None);
        Assert.Equal("0", left["ApproximateNumberOfMessages"]);
        Assert.Equal("0", left["ApproximateNumberOfMessagesNotVisible"]);
    }

    private sealed class Signals(string known) : IWorkerSignals
    {
        public List<string> Seen { get; } = [];

        public bool Interrupt(string workerId, string reason) => Add("interrupt", workerId, reason);

        public bool Drain(string workerId, string reason) => Add("drain", workerId, reason);

        private bool Add(string kind, string worker, string reason)
        {
            if (worker != known)
            {
                return false;
            }

            Seen.Add($"{kind} {worker} {reason}");
            return true;
        }
    }
}
