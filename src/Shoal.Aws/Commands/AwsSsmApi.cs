using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Shoal.Aws.Commands;

/// <summary>
/// <see cref="ISsmApi"/> over the SDK client. Maps SDK v4 shapes (null for empty, nullable numbers,
/// constant classes) to our records here, so nothing past this file sees an SDK type.
/// </summary>
/// <param name="ssm">Every call but SendCommand.</param>
/// <param name="send">
/// SendCommand has no idempotency token, so an SDK that re-sends it after a timeout or a 5xx may start
/// the job twice: pass a client whose SDK retries are off (<see cref="Sdk.AwsClients.SsmSend"/>) and
/// let <see cref="SsmCommandRunner"/> look the command up before it sends again. Null: <paramref name="ssm"/>.
/// </param>
public sealed class AwsSsmApi(IAmazonSimpleSystemsManagement ssm, IAmazonSimpleSystemsManagement? send = null) : ISsmApi
{
    // SSM allows 1 to 50 per page; an instance runs one command at a time, so one page is the rule.
    private const int PageSize = 50;

    // A runaway listing (a clock far off, thousands of commands) stops here rather than page forever.
    private const int MaxPages = 20;

    private readonly IAmazonSimpleSystemsManagement sender = send ?? ssm;

    public async Task<IReadOnlyList<SsmCommandSummary>> ListCommandsAsync(string instanceId, DateTimeOffset invokedAfter, CancellationToken cancellationToken)
    {
        var request = new ListCommandsRequest
        {
            InstanceId = instanceId,
            MaxResults = PageSize,
            Filters = [new CommandFilter { Key = CommandFilterKey.InvokedAfter, Value = invokedAfter.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) }],
        };
        var found = new List<SsmCommandSummary>();
        for (var page = 0; page < MaxPages; page++)
        {
            var response = await ssm.ListCommandsAsync(request, cancellationToken);
            foreach (var command in response.Commands ?? [])
            {
                DateTimeOffset? requested = command.RequestedDateTime is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
                found.Add(new SsmCommandSummary(command.CommandId ?? "", command.Comment ?? "", command.DocumentName ?? "", requested));
            }

            if (string.IsNullOrEmpty(response.NextToken))
            {
                break;
            }

            request.NextToken = response.NextToken;
        }

        return found;
    }

    public async Task<string> SendCommandAsync(SsmSendCommandRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var send = new SendCommandRequest
        {
            InstanceIds = [request.InstanceId],
            DocumentName = request.DocumentName,
            Parameters = request.Parameters.ToDictionary(p => p.Key, p => p.Value.ToList(), StringComparer.Ordinal),
            Comment = request.Comment,
            TimeoutSeconds = request.DeliveryTimeoutSeconds,
            OutputS3BucketName = request.OutputS3BucketName,
            OutputS3KeyPrefix = request.OutputS3KeyPrefix,
            CloudWatchOutputConfig = new CloudWatchOutputConfig { CloudWatchOutputEnabled = request.CloudWatchOutputEnabled },
        };
        var response = await sender.SendCommandAsync(send, cancellationToken);
        return response.Command?.CommandId is { Length: > 0 } id
            ? id
            : throw new InvalidOperationException($"SendCommand to {request.InstanceId} returned no command id");
    }

    public async Task<SsmInvocation> GetCommandInvocationAsync(string commandId, string instanceId, CancellationToken cancellationToken)
    {
        var response = await ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = commandId, InstanceId = instanceId }, cancellationToken);
        var status = response.Status?.Value ?? "";
        return new SsmInvocation
        {
            CommandId = response.CommandId ?? commandId,
            InstanceId = response.InstanceId ?? instanceId,
            DocumentName = response.DocumentName,
            Status = ParseStatus(status),
            StatusText = status,
            StatusDetails = response.StatusDetails ?? "",
            ResponseCode = response.ResponseCode ?? -1,
            StandardOutputContent = response.StandardOutputContent ?? "",
            StandardErrorContent = response.StandardErrorContent ?? "",
        };
    }

    public Task CancelCommandAsync(string commandId, string instanceId, CancellationToken cancellationToken) =>
        ssm.CancelCommandAsync(new CancelCommandRequest { CommandId = commandId, InstanceIds = [instanceId] }, cancellationToken);

    internal static SsmInvocationStatus ParseStatus(string status) =>
        Enum.TryParse<SsmInvocationStatus>(status, ignoreCase: true, out var parsed) && parsed != SsmInvocationStatus.Unknown && !int.TryParse(status, out _)
            ? parsed
            : SsmInvocationStatus.Unknown;
}
