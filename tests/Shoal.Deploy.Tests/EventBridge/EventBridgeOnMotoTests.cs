using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Shoal.Aws.Commands;
using Shoal.Aws.Interruptions;
using Shoal.Aws.Tests.Moto;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.EventBridge;

// apply.sh and cloudformation.json against moto_server with the real AWS CLI: moto's EventBridge matches
// patterns and delivers to SQS targets, so these prove an event reaches the queue Shoal reads it from,
// in the shape its parsers accept. (moto does not enforce queue policies; their content is checked here.)
public sealed class EventBridgeOnMotoTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private static readonly string ApplyScript = RepoPaths.Of("config", "eventbridge", "apply.sh");

    [Fact]
    public async Task Apply_sh_routes_each_event_to_the_queue_Shoal_reads_it_from()
    {
        await moto.ResetAsync();
        var applied = await RunAsync("bash", ApplyScript, "demo-job-queue");
        Assert.True(applied.ExitCode == 0, applied.ToString());

        await PutEventsAsync(EventsToSend());

        var interruptions = await ReceiveAsync("demo-job-queue-interruptions", expected: 4);
        var kinds = interruptions.Select(body =>
        {
            Assert.True(InterruptionParser.TryParse(body, out var e, out var error), error);
            return e!.Kind;
        });
        Assert.Equal(
            [InterruptionKind.SpotInterruption, InterruptionKind.Rebalance, InterruptionKind.StateChange, InterruptionKind.ScheduledChange],
            kinds.Order());
        var commands = await ReceiveAsync("demo-job-queue-command-events", expected: 1);
        Assert.Equal(CommandEventSource.DetailType, JsonNode.Parse(commands.Single())!["detail-type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apply_sh_can_run_again_and_gives_each_queue_a_policy_for_its_own_rules()
    {
        await moto.ResetAsync();
        Assert.Equal(0, (await RunAsync("bash", ApplyScript, "again-job-queue")).ExitCode);
        var second = await RunAsync("bash", ApplyScript, "again-job-queue");
        Assert.True(second.ExitCode == 0, second.ToString());

        var rules = JsonNode.Parse((await RunAsync("aws", "events", "list-rules", "--name-prefix", "shoal-again-job-queue-", "--output", "json")).StandardOutput)!["Rules"]!.AsArray();
        Assert.Equal(EventPatterns.All().Keys.Select(k => $"shoal-again-job-queue-{k}"), rules.Select(r => r!["Name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        foreach (var name in EventPatterns.All().Keys)
        {
            var targets = JsonNode.Parse((await RunAsync("aws", "events", "list-targets-by-rule", "--rule", $"shoal-again-job-queue-{name}", "--output", "json")).StandardOutput)!["Targets"]!.AsArray();
            Assert.Equal($"arn:aws:sqs:{MotoCli.Region}:123456789012:again-job-queue{EventPatterns.QueueSuffixFor(name)}", targets.Single()!["Arn"]!.GetValue<string>());
        }

        using var sqs = Sqs();
        var url = (await sqs.GetQueueUrlAsync("again-job-queue-interruptions")).QueueUrl;
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["Policy", "QueueArn"] });
        var statement = JsonNode.Parse(attributes.Attributes["Policy"])!["Statement"]![0]!;
        Assert.Equal("events.amazonaws.com", statement["Principal"]!["Service"]!.GetValue<string>());
        Assert.Equal(attributes.Attributes["QueueArn"], statement["Resource"]!.GetValue<string>());
        Assert.Equal($"arn:aws:events:{MotoCli.Region}:123456789012:rule/shoal-again-job-queue-*", statement["Condition"]!["ArnLike"]!["aws:SourceArn"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://sqs.us-east-1.amazonaws.com/111122223333/demo-job-queue")]
    [InlineData("a-queue-name-far-too-long-for-the-rule-names-to-fit")]
    public async Task Apply_sh_says_what_it_needs_when_the_queue_name_is_unusable(string name)
    {
        var result = await RunAsync("bash", ApplyScript, name);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("SQS queue name", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CloudFormation_template_delivers_the_same_events()
    {
        await moto.ResetAsync();
        var created = await RunAsync("aws", "cloudformation", "create-stack", "--stack-name", "shoal-events",
            "--template-body", "file://" + RepoPaths.Of("config", "eventbridge", "cloudformation.json"),
            "--parameters", "ParameterKey=QueueName,ParameterValue=cfn-job-queue");
        Assert.True(created.ExitCode == 0, created.ToString());

        await PutEventsAsync(EventsToSend());

        Assert.Equal(4, (await ReceiveAsync("cfn-job-queue-interruptions", expected: 4)).Count);
        Assert.Single(await ReceiveAsync("cfn-job-queue-command-events", expected: 1));
    }

    // One event per rule, plus two no rule may forward: an instance starting, and another service's event.
    private static List<JsonObject> EventsToSend()
    {
        var events = EventPatterns.All().Values.Select(EventPatterns.SampleEvent).ToList();
        var running = EventPatterns.SampleEvent(EventPatterns.All()["state-change"]);
        running["detail"]!["state"] = "running";
        var other = EventPatterns.SampleEvent(EventPatterns.All()["spot-interruption"]);
        other["source"] = "aws.autoscaling";
        other["detail-type"] = "EC2 Instance Launch Successful";
        return [.. events, running, other];
    }

    private async Task PutEventsAsync(IEnumerable<JsonObject> events)
    {
        var entries = new JsonArray([.. events.Select(e => (JsonNode)new JsonObject
        {
            ["Source"] = e["source"]!.DeepClone(),
            ["DetailType"] = e["detail-type"]!.DeepClone(),
            ["Detail"] = e["detail"]!.ToJsonString(),
            ["Resources"] = e["resources"]!.DeepClone(),
        })]);
        var file = Path.Combine(Path.GetTempPath(), $"events-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, entries.ToJsonString());
        try
        {
            var put = await RunAsync("aws", "events", "put-events", "--entries", "file://" + file, "--output", "json");
            Assert.True(put.ExitCode == 0, put.ToString());
            Assert.Equal(0, JsonNode.Parse(put.StandardOutput)!["FailedEntryCount"]!.GetValue<int>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    // Reads the queue until `expected` messages came or a deadline passed, then makes sure no more follow.
    private async Task<List<string>> ReceiveAsync(string queue, int expected)
    {
        using var sqs = Sqs();
        var url = (await sqs.GetQueueUrlAsync(queue)).QueueUrl;
        var bodies = new List<string>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (bodies.Count < expected && waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
            bodies.AddRange((received.Messages ?? []).Select(m => m.Body));
        }

        var extra = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
        bodies.AddRange((extra.Messages ?? []).Select(m => m.Body));
        Assert.True(bodies.Count == expected, $"{queue}: expected {expected} events, got {bodies.Count}:\n{string.Join('\n', bodies)}");
        return bodies;
    }

    private AmazonSQSClient Sqs() => new(new BasicAWSCredentials("testing", "testing"), new AmazonSQSConfig
    {
        ServiceURL = moto.Endpoint.ToString(),
        AuthenticationRegion = MotoCli.Region,
    });

    private Task<ProcessResult> RunAsync(string tool, params string[] arguments)
    {
        var path = ProcessRunner.Find(tool, MotoCli.PythonToolDirectories())
            ?? throw new InvalidOperationException($"{tool} is not on PATH: the AWS CLI ships with the machine image (see .ci/run)");
        // The AWS CLI v1 on the image ignores AWS_ENDPOINT_URL, so direct calls name the endpoint; apply.sh does the same.
        string[] args = tool == "aws" ? ["--endpoint-url", MotoCli.Environment(moto)["AWS_ENDPOINT_URL"], .. arguments] : arguments;
        return ProcessRunner.RunAsync(path, args, environment: MotoCli.Environment(moto), timeout: TimeSpan.FromSeconds(90));
    }
}
