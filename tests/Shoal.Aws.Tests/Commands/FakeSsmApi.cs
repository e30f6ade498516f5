using System.Net;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement.Model;
using Shoal.Aws.Commands;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// A scriptable SSM. moto's SSM never runs anything: every invocation is Success with empty output at
/// once, it ignores InstanceIds (fanning out to every instance), and CancelCommand is not implemented.
/// So statuses, exit codes, output, unregistered agents, eventual consistency and throttling are
/// proven against this double. Errors are thrown as the SDK throws them (typed exceptions with an
/// error code and an HTTP status), so they go through the real classifier.
/// </summary>
public sealed class FakeSsmApi : ISsmApi
{
    private readonly Dictionary<string, FakeInvocationScript> scripts = [];
    private readonly Dictionary<string, string> documents = [];
    private readonly List<SsmCommandSummary> sent = [];
    private readonly Dictionary<string, string> instances = [];
    private int sequence;

    public List<SsmSendCommandRequest> Sends { get; } = [];

    public List<(string CommandId, string InstanceId)> Gets { get; } = [];

    public List<(string CommandId, string InstanceId)> Cancels { get; } = [];

    public List<string> Lists { get; } = [];

    /// <summary>
    /// The next N sends create their command and then fail as if the answer was lost on the way back
    /// (a timeout): the failure that SendCommand, having no idempotency token, cannot retry blindly.
    /// </summary>
    public int LostSendAnswers { get; set; }

    /// <summary>The next N sends fail with a timeout before SSM saw them: nothing was created.</summary>
    public int FailedSendsBeforeSsm { get; set; }

    /// <summary>ListCommands answers without the commands sent in the last N sends (SSM's listing lags).</summary>
    public int ListLagsBy { get; set; }

    public Exception? ListError { get; set; }

    /// <summary>Commands SSM holds per instance, in send order.</summary>
    public IReadOnlyList<SsmCommandSummary> Created => sent;

    /// <summary>What the next command sent will do.</summary>
    public FakeInvocationScript Next { get; set; } = new();

    /// <summary>The next N sends answer InvalidInstanceId, as SSM does until the agent has registered.</summary>
    public int NotRegisteredSends { get; set; }

    /// <summary>Every send answers InvalidInstanceId (an agent that never registers).</summary>
    public bool NeverRegistered { get; set; }

    /// <summary>The next N calls of any kind answer ThrottlingException.</summary>
    public int ThrottledCalls { get; set; }

    public Exception? SendError { get; set; }

    public Exception? GetError { get; set; }

    public Exception? CancelError { get; set; }

    public Task<string> SendCommandAsync(SsmSendCommandRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Sends.Add(request);
        Throttle();
        if (SendError is { } error)
        {
            throw error;
        }

        if (NeverRegistered || NotRegisteredSends > 0)
        {
            NotRegisteredSends--;
            throw new InvalidInstanceIdException("Instances [[" + request.InstanceId + "]] not in a valid state for account 123456789012")
            {
                ErrorCode = "InvalidInstanceId",
                StatusCode = HttpStatusCode.BadRequest,
            };
        }

        if (FailedSendsBeforeSsm > 0)
        {
            FailedSendsBeforeSsm--;
            throw new HttpRequestException("The request timed out before SSM answered (scripted)", new TimeoutException());
        }

        var commandId = $"cmd-{++sequence:D4}";
        scripts[commandId] = Next;
        documents[commandId] = request.DocumentName;
        sent.Add(new SsmCommandSummary(commandId, request.Comment ?? "", request.DocumentName, null));
        instances[commandId] = request.InstanceId;
        Next = new FakeInvocationScript();
        if (LostSendAnswers > 0)
        {
            LostSendAnswers--;
            throw new HttpRequestException("The response was lost (scripted): SSM did create the command", new TimeoutException());
        }

        return Task.FromResult(commandId);
    }

    public Task<IReadOnlyList<SsmCommandSummary>> ListCommandsAsync(string instanceId, DateTimeOffset invokedAfter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Lists.Add(instanceId);
        Throttle();
        if (ListError is { } error)
        {
            throw error;
        }

        var visible = sent.Take(Math.Max(0, sent.Count - ListLagsBy)).Where(c => instances[c.CommandId] == instanceId).ToList();
        return Task.FromResult<IReadOnlyList<SsmCommandSummary>>(visible);
    }

    public Task<SsmInvocation> GetCommandInvocationAsync(string commandId, string instanceId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Gets.Add((commandId, instanceId));
        Throttle();
        if (GetError is { } error)
        {
            throw error;
        }

        if (!scripts.TryGetValue(commandId, out var script) || script.NeverVisible || script.Gets++ < script.NotVisibleGets)
        {
            throw new InvocationDoesNotExistException("An error occurred (InvocationDoesNotExist)")
            {
                ErrorCode = "InvocationDoesNotExist",
                StatusCode = HttpStatusCode.BadRequest,
            };
        }

        var index = Math.Min(script.Gets - 1 - script.NotVisibleGets, script.Statuses.Count - 1);
        var status = script.Statuses[index];
        var last = index == script.Statuses.Count - 1;
        var terminal = status is not (SsmInvocationStatus.Pending or SsmInvocationStatus.InProgress or SsmInvocationStatus.Delayed);
        return Task.FromResult(new SsmInvocation
        {
            CommandId = commandId,
            InstanceId = instanceId,
            DocumentName = documents[commandId],
            Status = status,
            StatusText = status.ToString(),
            StatusDetails = last && script.Details is { } details ? details : status.ToString(),

            // Like SSM: no exit code and no output until the script has ended.
            ResponseCode = terminal ? script.ResponseCode : -1,
            StandardOutputContent = terminal ? script.Stdout : "",
            StandardErrorContent = terminal ? script.Stderr : "",
        });
    }

    public Task CancelCommandAsync(string commandId, string instanceId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Cancels.Add((commandId, instanceId));
        Throttle();
        return CancelError is { } error ? throw error : Task.CompletedTask;
    }

    public static AmazonServiceException Error(string code, HttpStatusCode status = HttpStatusCode.BadRequest, string message = "scripted error") =>
        new(message) { ErrorCode = code, StatusCode = status };

    private void Throttle()
    {
        if (ThrottledCalls > 0)
        {
            ThrottledCalls--;
            throw Error("ThrottlingException", message: "Rate exceeded");
        }
    }
}
