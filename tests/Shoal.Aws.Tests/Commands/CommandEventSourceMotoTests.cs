using System.Diagnostics;
using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SQS.Model;
using Shoal.Aws.Commands;
using Shoal.Aws.Errors;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Ports;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// The event path through moto's SQS, which is real. moto's SSM emits no EventBridge events, so the test
/// puts on the queue what an EventBridge rule would deliver when the invocation ends.
/// </summary>
public sealed class CommandEventSourceMotoTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task An_event_on_the_queue_ends_a_long_wait_early_and_is_deleted()
    {
        await moto.ResetAsync();
        using var clients = moto.NewClients();
        var queueUrl = (await clients.Sqs.CreateQueueAsync("shoal-ssm-events")).QueueUrl;
        var launched = await clients.Ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12c6146b", InstanceType = InstanceType.M5Large, MinCount = 1, MaxCount = 1 });
        var worker = launched.Reservation.Instances[0].InstanceId;
        var log = new ListLogger();
        var runner = new SsmCommandRunner(new AwsSsmApi(clients.Ssm), new S3OutputStore(clients.S3), new SsmCommandRunnerOptions(), TimeProvider.System,
            new AwsRetry(TimeProvider.System, maxAttempts: 2, baseDelay: TimeSpan.FromMilliseconds(10)), log);
        var source = new CommandEventSource(clients.Sqs, queueUrl, runner, TimeProvider.System, log);
        var handle = await runner.StartAsync(new CommandRequest { WorkerId = worker, JobId = "j", Attempt = 1, Document = "AWS-RunShellScript", Commands = ["true"] }, CancellationToken.None);
        await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None);

        using var stop = new CancellationTokenSource();
        var running = source.RunAsync(stop.Token);
        var clock = Stopwatch.StartNew();
        var waiting = runner.WaitAsync(handle, TimeSpan.FromSeconds(60), CancellationToken.None);
        await clients.Sqs.SendMessageAsync(queueUrl, Event(handle.CommandId, worker, "Success"));

        var status = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new CommandStatus(CommandState.Completed, 0), status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the wait took {clock.Elapsed}");

        // The event wakes the wait before its delete goes out: give the delete a deadline, not a sleep.
        var deadline = Stopwatch.StartNew();
        int left;
        do
        {
            var attributes = await clients.Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = ["All"] });
            left = attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
        }
        while (left > 0 && deadline.Elapsed < TimeSpan.FromSeconds(10));

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, left);
    }

    private static string Event(string commandId, string instanceId, string status) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["version"] = "0",
        ["id"] = Guid.NewGuid().ToString(),
        ["detail-type"] = CommandEventSource.DetailType,
        ["source"] = "aws.ssm",
        ["account"] = "123456789012",
        ["time"] = "2026-11-24T12:00:00Z",
        ["region"] = "us-east-1",
        ["resources"] = new[] { $"arn:aws:ec2:us-east-1:123456789012:instance/{instanceId}" },
        ["detail"] = new Dictionary<string, string>
        {
            ["command-id"] = commandId,
            ["document-name"] = "AWS-RunShellScript",
            ["instance-id"] = instanceId,
            ["requested-date-time"] = "2026-11-24T11:59:00Z",
            ["status"] = status,
        },
    });
}
