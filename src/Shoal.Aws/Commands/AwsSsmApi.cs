using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Shoal.Aws.Commands;

/// <summary>
/// <see cref="ISsmApi"/> over the SDK client. Maps SDK v4 shapes (null for empty, nullable numbers,
/// constant classes) to our records here, so nothing past this file sees an SDK type.
/// </summary>
public sealed class AwsSsmApi(IAmazonSimpleSystemsManagement ssm) : ISsmApi
{
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
        var response = await ssm.SendCommandAsync(send, cancellationToken);
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
