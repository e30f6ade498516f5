using Microsoft.Extensions.Logging;
using Shoal.SsmDouble.Upstream;

namespace Shoal.SsmDouble.Model;

/// <summary>
/// Every invocation the double was sent, and the two things that happen to them from outside their
/// script: the instance going away (looked up in EC2 whenever an unfinished invocation is asked about,
/// and by the periodic <see cref="SweepAsync"/> while nobody asks, e.g. while the operator is down) and
/// the output upload when one ends.
/// </summary>
internal sealed class CommandBook(SsmDoubleOptions options, InstanceRegistry instances, OutputUploader uploader, ILogger logger)
{
    private readonly Lock gate = new();
    private readonly List<Invocation> all = [];
    private readonly Dictionary<(string CommandId, string InstanceId), Invocation> byKey = [];

    public TimeProvider Time => options.Time;

    public void Add(IEnumerable<Invocation> invocations)
    {
        lock (gate)
        {
            foreach (var invocation in invocations)
            {
                byKey.Add((invocation.CommandId, invocation.InstanceId), invocation);
                all.Add(invocation);
            }
        }
    }

    public IReadOnlyList<Invocation> All()
    {
        lock (gate)
        {
            return [.. all];
        }
    }

    public Invocation? Find(string commandId, string instanceId)
    {
        lock (gate)
        {
            return byKey.GetValueOrDefault((commandId, instanceId));
        }
    }

    public IReadOnlyList<Invocation> OfCommand(string commandId)
    {
        lock (gate)
        {
            return [.. all.Where(i => i.CommandId == commandId)];
        }
    }

    /// <summary>The invocation's state now, after checking that its instance still exists if it is unfinished, with its output uploaded if it is finished.</summary>
    public async Task<InvocationState> ObserveAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        if (!invocation.IsLost && !invocation.StateAt(Time.GetUtcNow()).IsTerminal)
        {
            await MarkLostAsync([invocation], cancellationToken);
        }

        var state = invocation.StateAt(Time.GetUtcNow());
        await UploadAsync(invocation, state);
        return state;
    }

    /// <summary>One periodic pass: instances gone from under unfinished invocations, outputs of finished ones.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var invocations = All();
        var now = Time.GetUtcNow();
        await MarkLostAsync([.. invocations.Where(i => !i.IsLost && !i.StateAt(now).IsTerminal)], cancellationToken);
        now = Time.GetUtcNow();
        foreach (var invocation in invocations)
        {
            await UploadAsync(invocation, invocation.StateAt(now));
        }
    }

    private async Task MarkLostAsync(IReadOnlyList<Invocation> unfinished, CancellationToken cancellationToken)
    {
        if (unfinished.Count == 0)
        {
            return;
        }

        var states = await instances.StatesAsync([.. unfinished.Select(i => i.InstanceId).Distinct(StringComparer.Ordinal)], cancellationToken);
        var now = Time.GetUtcNow();
        foreach (var invocation in unfinished.Where(i => states.GetValueOrDefault(i.InstanceId) != "running"))
        {
            logger.LogInformation("Instance {Instance} is {State}: command {CommandId} will not hear from its agent again",
                invocation.InstanceId, states.GetValueOrDefault(invocation.InstanceId) ?? "unknown to EC2", invocation.CommandId);
            invocation.MarkLost(now, options.TerminatedInstanceTimeout);
        }
    }

    private Task UploadAsync(Invocation invocation, InvocationState state)
    {
        if (!state.IsTerminal || state.Stdout.Length == 0 || invocation.OutputBucket is not { } bucket)
        {
            return Task.CompletedTask;
        }

        var key = OutputUploader.StdoutKey(invocation.OutputKeyPrefix, invocation.CommandId, invocation.InstanceId, invocation.DocumentName);

        // Not the request's token: a client that gives up must not leave the upload half done.
        return invocation.UploadOnce(() => uploader.UploadAsync(bucket, key, state.Stdout, CancellationToken.None));
    }
}
