using System.Collections.Concurrent;
using Amazon.SimpleSystemsManagement.Model;
using Shoal.Aws.Commands;
using Shoal.Aws.Sdk;

namespace Shoal.Bench;

/// <summary>
/// SSM Run Command as a scripted double: every command runs for <see cref="Duration"/> and then succeeds
/// with exit code 0. moto's SSM completes commands at once, so a "1-minute job" needs this. Each call is
/// recorded in the same <see cref="AwsCallCounter"/> as the wire-counted services ("SSM.SendCommand",
/// "SSM.GetCommandInvocation", "SSM.CancelCommand"): counted at our seam, one request per call, which is
/// what the SDK would send when nothing is throttled (no retries happen here). Each call takes
/// <see cref="Latency"/>, as a real round trip does: with instant answers, a loop whose wait rounds to zero
/// would poll thousands of times in a millisecond, which AWS's latency never allows.
/// With <paramref name="finished"/>, each command's end is also announced the way an EventBridge rule
/// on SSM's "EC2 Command Invocation Status-change Notification" would: the bench puts the event on the
/// command-events queue (moto has no EventBridge → SQS delivery). Those sends are EventBridge's, not Shoal's,
/// and are not counted.
/// </summary>
internal sealed class ScriptedSsmApi(AwsCallCounter counter, TimeSpan duration, TimeSpan latency, TimeProvider time, Func<string, string, string, Task>? finished = null) : ISsmApi
{
    private readonly ConcurrentBag<Task> announcements = [];

    private long quickPolls;

    public TimeSpan Latency => latency;

    /// <summary>GetCommandInvocation calls that came less than 5 ms after the previous answer for the same command: waits that rounded to nothing.</summary>
    public long QuickPolls => Interlocked.Read(ref quickPolls);

    private readonly ConcurrentDictionary<string, Command> commands = new(StringComparer.Ordinal);

    public TimeSpan Duration => duration;

    /// <summary>GetCommandInvocation calls per command, in send order.</summary>
    public IReadOnlyList<int> PollsPerCommand => [.. commands.Values.OrderBy(c => c.SentAt).Select(c => c.Polls)];

    public async Task<string> SendCommandAsync(SsmSendCommandRequest request, CancellationToken cancellationToken)
    {
        counter.Record("SSM.SendCommand", false);
        await Task.Delay(latency, time, cancellationToken);
        var id = Guid.NewGuid().ToString();
        commands[id] = new Command(request.InstanceId, request.DocumentName, time.GetUtcNow()) { Comment = request.Comment ?? "" };
        if (finished is not null)
        {
            announcements.Add(AnnounceAsync(id, request.InstanceId, request.DocumentName));
        }

        return id;
    }

    public async Task<IReadOnlyList<SsmCommandSummary>> ListCommandsAsync(string instanceId, DateTimeOffset invokedAfter, CancellationToken cancellationToken)
    {
        counter.Record("SSM.ListCommands", false);
        await Task.Delay(latency, time, cancellationToken);
        return [.. commands.Where(c => c.Value.InstanceId == instanceId && c.Value.SentAt >= invokedAfter)
            .Select(c => new SsmCommandSummary(c.Key, c.Value.Comment, c.Value.Document, c.Value.SentAt))];
    }

    /// <summary>Waits for the events still to be put on the queue (all done once every command has ended).</summary>
    public Task AnnouncedAsync() => Task.WhenAll(announcements);

    private async Task AnnounceAsync(string commandId, string instanceId, string document)
    {
        // EventBridge delivers within about a second of the end; the bench puts it on the queue at once.
        await Task.Delay(duration, time);
        if (commands.TryGetValue(commandId, out var command) && !command.Cancelled)
        {
            await finished!(commandId, instanceId, document);
        }
    }

    public async Task<SsmInvocation> GetCommandInvocationAsync(string commandId, string instanceId, CancellationToken cancellationToken)
    {
        counter.Record("SSM.GetCommandInvocation", false);
        if (!commands.TryGetValue(commandId, out var command) || command.InstanceId != instanceId)
        {
            throw new InvocationDoesNotExistException($"no invocation of {commandId} on {instanceId}");
        }

        if (command.LastAnswer is { } last && time.GetUtcNow() - last < TimeSpan.FromMilliseconds(5))
        {
            Interlocked.Increment(ref quickPolls);
        }

        await Task.Delay(latency, time, cancellationToken);
        Interlocked.Increment(ref command.Polls);
        var done = command.Cancelled ? SsmInvocationStatus.Cancelled
            : time.GetUtcNow() - command.SentAt >= duration ? SsmInvocationStatus.Success
            : SsmInvocationStatus.InProgress;
        command.LastAnswer = time.GetUtcNow();
        return new SsmInvocation
        {
            CommandId = commandId,
            InstanceId = instanceId,
            DocumentName = command.Document,
            Status = done,
            StatusText = done.ToString(),
            StatusDetails = done.ToString(),
            ResponseCode = done == SsmInvocationStatus.Success ? 0 : -1,
            StandardOutputContent = done == SsmInvocationStatus.Success ? "done\n" : "",
        };
    }

    public async Task CancelCommandAsync(string commandId, string instanceId, CancellationToken cancellationToken)
    {
        counter.Record("SSM.CancelCommand", false);
        await Task.Delay(latency, time, cancellationToken);
        if (commands.TryGetValue(commandId, out var command))
        {
            command.Cancelled = true;
        }
    }

    private sealed class Command(string instanceId, string document, DateTimeOffset sentAt)
    {
        public int Polls;

        public string InstanceId { get; } = instanceId;

        public string Document { get; } = document;

        public DateTimeOffset SentAt { get; } = sentAt;

        public bool Cancelled { get; set; }

        public string Comment { get; init; } = "";

        public DateTimeOffset? LastAnswer { get; set; }
    }
}
