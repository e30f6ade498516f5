namespace Shoal.Aws.Commands;

/// <summary>
/// The Run Command calls Shoal makes, in our own types. Errors are the SDK's
/// <see cref="Amazon.Runtime.AmazonServiceException"/>s, unchanged, so <see cref="Errors.AwsErrorClassifier"/>
/// stays the one place that reads error codes; a test double throws the same shape.
/// </summary>
public interface ISsmApi
{
    /// <summary>Sends a command to one instance and returns its command id.</summary>
    Task<string> SendCommandAsync(SsmSendCommandRequest request, CancellationToken cancellationToken);

    Task<SsmInvocation> GetCommandInvocationAsync(string commandId, string instanceId, CancellationToken cancellationToken);

    Task CancelCommandAsync(string commandId, string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Commands sent to one instance at or after <paramref name="invokedAfter"/>, every page. Used only to
    /// find a command whose SendCommand answer was lost, or whose id a restarted host never recorded.
    /// </summary>
    Task<IReadOnlyList<SsmCommandSummary>> ListCommandsAsync(string instanceId, DateTimeOffset invokedAfter, CancellationToken cancellationToken);
}
