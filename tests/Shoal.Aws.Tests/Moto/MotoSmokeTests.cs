using Amazon.SQS.Model;

namespace Shoal.Aws.Tests.Moto;

/// <summary>The fixture itself: moto starts, answers the SDK as configured by AwsClients, and resets.</summary>
public sealed class MotoSmokeTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task Clients_reach_moto_and_reset_empties_the_account()
    {
        using var clients = moto.NewClients();
        await clients.Sqs.CreateQueueAsync("smoke");
        Assert.Single((await clients.Sqs.ListQueuesAsync(new ListQueuesRequest())).QueueUrls);

        await moto.ResetAsync();

        Assert.Null((await clients.Sqs.ListQueuesAsync(new ListQueuesRequest())).QueueUrls);
    }
}
