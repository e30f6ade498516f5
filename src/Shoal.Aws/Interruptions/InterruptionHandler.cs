using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shoal.Core.Workers;

namespace Shoal.Aws.Interruptions;

/// <summary>
/// Turns an interruption-queue message into signals to worker loops. It never terminates anything
/// itself: a loop that is interrupted requeues its job and retires through its fleet, which stays the
/// one path that terminates instances. The caller deletes the message whatever the outcome. A spot
/// interruption warning also tells <paramref name="offerings"/> that the instance's offering is short of
/// capacity, so its replacement is launched elsewhere.
/// </summary>
public sealed class InterruptionHandler(IWorkerSignals workers, ILogger? logger = null, IReclaimedOfferings? offerings = null)
{
    private readonly ILogger logger = logger ?? NullLogger.Instance;

    public InterruptionOutcome Handle(string body)
    {
        if (!InterruptionParser.TryParse(body, out var parsed, out var error))
        {
            logger.LogWarning("Dropping a malformed interruption message: {Error}", error);
            return InterruptionOutcome.Malformed;
        }

        var action = InterruptionParser.ActionFor(parsed!);
        var ours = false;
        foreach (var instance in parsed!.InstanceIds)
        {
            var reason = parsed.Kind switch
            {
                InterruptionKind.SpotInterruption => "SpotInterruption",
                InterruptionKind.Rebalance => "RebalanceRecommendation",
                InterruptionKind.ScheduledChange => "ScheduledChange",
                _ => $"Instance{Capitalize(parsed.State)}",
            };
            // Before the signal: the interrupted worker retires and the pool launches its replacement
            // right after, which must already see the offering as short.
            if (parsed.Kind == InterruptionKind.SpotInterruption)
            {
                offerings?.MarkReclaimed(instance);
            }

            var known = action switch
            {
                InterruptionAction.Interrupt => workers.Interrupt(instance, reason),
                InterruptionAction.Drain => workers.Drain(instance, reason),
                _ => false,
            };
            if (known)
            {
                ours = true;

                logger.LogInformation("{Instance}: {Reason} → {Action}", instance, reason, action);
            }
        }

        return action == InterruptionAction.None ? InterruptionOutcome.Ignored : ours ? InterruptionOutcome.Handled : InterruptionOutcome.NotOurs;
    }

    private static string Capitalize(string? state) =>
        string.Concat((state ?? "Changed").Split('-').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
}
