using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Amazon.SQS.Model;
using Shoal.Aws.Commands;
using Shoal.Aws.Errors;
using Shoal.Aws.Fleet;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Ports;
using SsmCommandStatus = Amazon.SimpleSystemsManagement.CommandStatus;

namespace Shoal.SsmDouble.Tests.Wire;

/// <summary>SSM's JSON 1.1 protocol: errors the SDK and AwsErrorClassifier read as real ones, the list calls, and everything else passed to moto.</summary>
public sealed class ProtocolTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task An_unknown_document_is_InvalidDocument_which_the_runner_reports_as_undeliverable()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();

        var error = await Assert.ThrowsAsync<InfrastructureException>(() =>
            rig.Runner().StartAsync(WireRig.Request(worker, ["echo hi"]) with { Document = "Team-RunBatch" }, CancellationToken.None));

        Assert.Equal("Undeliverable", error.Reason);
        var sdk = Assert.IsType<InvalidDocumentException>(error.InnerException);
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidDocument"), (sdk.StatusCode, sdk.ErrorCode));
        Assert.Empty(rig.Double.Commands);
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("executionTimeout")]
    public async Task Parameters_the_document_does_not_take_or_bad_values_are_refused(string parameter)
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        var send = new SsmSendCommandRequest
        {
            InstanceId = worker,
            DocumentName = "AWS-RunShellScript",
            Parameters = new Dictionary<string, IReadOnlyList<string>> { ["commands"] = ["echo hi"], [parameter] = ["soon"] },
            DeliveryTimeoutSeconds = 600,
        };

        var error = await Assert.ThrowsAsync<InvalidParametersException>(() => rig.Api.SendCommandAsync(send, CancellationToken.None));

        Assert.Equal(("InvalidParameters", AwsErrorKind.Invalid), (error.ErrorCode, AwsErrorClassifier.Classify(error)));
        Assert.Contains(parameter, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_comment_over_100_characters_is_refused_as_SSM_does_and_the_runner_s_comments_fit()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        var send = new SsmSendCommandRequest
        {
            InstanceId = worker,
            DocumentName = "AWS-RunShellScript",
            Parameters = new Dictionary<string, IReadOnlyList<string>> { ["commands"] = ["echo hi"] },
            DeliveryTimeoutSeconds = 600,
            Comment = new string('c', 101),
        };

        var error = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => rig.Api.SendCommandAsync(send, CancellationToken.None));
        Assert.Equal(("ValidationException", AwsErrorKind.Invalid), (error.ErrorCode, AwsErrorClassifier.Classify(error)));

        await rig.Runner().StartAsync(WireRig.Request(worker, ["echo hi"]) with { JobId = "ingest/" + new string('k', 300) + "/input.json" }, CancellationToken.None);
        Assert.InRange(Assert.Single(rig.Double.Commands).Comment.Length, 1, 100);
    }

    [Fact]
    public async Task Unknown_invocations_and_commands_have_SSM_s_not_found_codes()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        var commandId = await rig.Api.SendCommandAsync(new SsmSendCommandRequest
        {
            InstanceId = worker,
            DocumentName = "AWS-RunShellScript",
            Parameters = new Dictionary<string, IReadOnlyList<string>> { ["commands"] = ["echo hi"] },
            DeliveryTimeoutSeconds = 600,
        }, CancellationToken.None);

        var wrongInstance = await Assert.ThrowsAsync<InvocationDoesNotExistException>(() => rig.Api.GetCommandInvocationAsync(commandId, "i-0000000000000dead", CancellationToken.None));
        var wrongCommand = await Assert.ThrowsAsync<InvalidCommandIdException>(() => rig.Api.CancelCommandAsync(Guid.NewGuid().ToString(), worker, CancellationToken.None));
        var notTarget = await Assert.ThrowsAsync<InvalidInstanceIdException>(() => rig.Api.CancelCommandAsync(commandId, "i-0000000000000dead", CancellationToken.None));

        Assert.Equal(AwsErrorKind.NotFound, AwsErrorClassifier.Classify(wrongInstance));
        Assert.Equal(AwsErrorKind.Invalid, AwsErrorClassifier.Classify(wrongCommand));
        Assert.Equal(AwsErrorKind.NotFound, AwsErrorClassifier.Classify(notTarget));
    }

    [Fact]
    public async Task An_invocation_is_invisible_for_the_visibility_lag_which_the_runner_rides_out_as_running()
    {
        await using var rig = await WireRig.StartAsync(moto, o => o with { InvocationVisibilityLag = TimeSpan.FromSeconds(3) });
        var worker = await rig.LaunchAsync();
        var runner = rig.Runner();
        var handle = await runner.StartAsync(WireRig.Request(worker, ["echo hi"]), CancellationToken.None);

        var early = await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(CommandState.Running, early.State);
        Assert.Contains("InvocationDoesNotExist", early.Detail, StringComparison.Ordinal);
        rig.Advance(3);

        Assert.Equal(CommandState.Completed, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);
    }

    [Fact]
    public async Task ListCommandInvocations_and_ListCommands_report_the_double_s_commands()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        var handle = await rig.Runner().StartAsync(WireRig.Request(worker, ["echo listed", "exit 4"]), CancellationToken.None);
        var pending = (await rig.Clients.Ssm.ListCommandsAsync(new ListCommandsRequest { CommandId = handle.CommandId })).Commands.Single();
        Assert.Equal((SsmCommandStatus.Pending, 0), (pending.Status, pending.CompletedCount));
        rig.Advance(1);

        var invocation = (await rig.Clients.Ssm.ListCommandInvocationsAsync(new ListCommandInvocationsRequest { CommandId = handle.CommandId, Details = true })).CommandInvocations.Single();
        var command = (await rig.Clients.Ssm.ListCommandsAsync(new ListCommandsRequest { InstanceId = worker })).Commands.Single();

        Assert.Equal((worker, CommandInvocationStatus.Failed), (invocation.InstanceId, invocation.Status));
        var plugin = invocation.CommandPlugins.Single();
        Assert.Equal(("aws:runShellScript", 4, "listed\n"), (plugin.Name, plugin.ResponseCode, plugin.Output));
        Assert.Equal((handle.CommandId, SsmCommandStatus.Failed, 1, 1, 1), (command.CommandId, command.Status, command.TargetCount, command.CompletedCount, command.ErrorCount));
        Assert.Equal([worker], command.InstanceIds);
    }

    [Fact]
    public async Task Parameter_calls_go_to_moto_through_the_double()
    {
        await using var rig = await WireRig.StartAsync(moto);
        await rig.Clients.Ssm.PutParameterAsync(new PutParameterRequest { Name = "/shoal/ami", Value = "ami-0e1e769742d1cfb49", Type = ParameterType.String });

        Assert.Equal("ami-0e1e769742d1cfb49", await new SsmParameterApi(rig.Clients.Ssm).GetParameterAsync("/shoal/ami", CancellationToken.None));
        using var direct = moto.NewClients();
        Assert.Equal("ami-0e1e769742d1cfb49", (await direct.Ssm.GetParameterAsync(new GetParameterRequest { Name = "/shoal/ami" })).Parameter.Value);
        var missing = await Assert.ThrowsAsync<ParameterNotFoundException>(() => new SsmParameterApi(rig.Clients.Ssm).GetParameterAsync("/shoal/none", CancellationToken.None));
        Assert.Equal(AwsErrorKind.NotFound, AwsErrorClassifier.Classify(missing));
    }

    [Fact]
    public async Task Requests_of_other_services_and_protocols_are_passed_through_unchanged()
    {
        await using var rig = await WireRig.StartAsync(moto);
        using var viaDouble = new AwsClients(moto.Options with { Endpoint = rig.Double.BaseAddress }, MotoServer.Credentials);

        var queue = await viaDouble.Sqs.CreateQueueAsync("through-the-double");
        await viaDouble.S3.PutBucketAsync("through-the-double");
        await viaDouble.S3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = "through-the-double", Key = "a/b c.txt", ContentBody = "payload" });

        using var direct = moto.NewClients();
        Assert.Contains(queue.QueueUrl.Split('/')[^1], (await direct.Sqs.ListQueuesAsync(new ListQueuesRequest())).QueueUrls.Select(u => u.Split('/')[^1]));
        using var stored = await direct.S3.GetObjectAsync("through-the-double", "a/b c.txt");
        using var reader = new StreamReader(stored.ResponseStream);
        Assert.Equal("payload", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_gets_an_AWS_shaped_SerializationException()
    {
        await using var rig = await WireRig.StartAsync(moto);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, rig.Double.BaseAddress) { Content = new StringContent("not json", Encoding.UTF8, "application/x-amz-json-1.1") };
        request.Headers.Add("X-Amz-Target", "AmazonSSM.SendCommand");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("SerializationException", (string?)body["__type"]);
        Assert.False(string.IsNullOrEmpty((string?)body["message"]));
    }
}
