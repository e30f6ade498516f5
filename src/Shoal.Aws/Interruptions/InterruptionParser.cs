using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.Aws.Interruptions;

/// <summary>
/// Reads the EventBridge events that reach Shoal's interruption queue. Anything else (another
/// source, a truncated body, an event without an instance) is reported as malformed with a reason, so
/// the caller can log it and delete the message instead of retrying it forever.
/// </summary>
public static class InterruptionParser
{
    public static bool TryParse(string body, out InterruptionEvent? parsed, out string error)
    {
        parsed = null;
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException e)
        {
            error = $"not JSON: {e.Message}";
            return false;
        }

        if (root is null)
        {
            error = "not a JSON object";
            return false;
        }

        var source = Text(root["source"]);
        var detailType = Text(root["detail-type"]);
        var detail = root["detail"] as JsonObject;
        var time = DateTimeOffset.TryParse(Text(root["time"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
        if (detail is null)
        {
            error = $"event \"{detailType}\" from \"{source}\" has no detail";
            return false;
        }

        InterruptionKind kind;
        List<string> instances;
        string? state = null;
        switch (source, detailType)
        {
            case ("aws.ec2", "EC2 Spot Instance Interruption Warning"):
                kind = InterruptionKind.SpotInterruption;
                instances = [.. One(detail["instance-id"])];
                break;
            case ("aws.ec2", "EC2 Instance Rebalance Recommendation"):
                kind = InterruptionKind.Rebalance;
                instances = [.. One(detail["instance-id"])];
                break;
            case ("aws.ec2", "EC2 Instance State-change Notification"):
                kind = InterruptionKind.StateChange;
                instances = [.. One(detail["instance-id"])];
                state = Text(detail["state"]);
                if (state is null)
                {
                    error = "state-change event without detail.state";
                    return false;
                }

                break;
            case ("aws.health", "AWS Health Event") when Text(detail["service"]) == "EC2" && Text(detail["eventTypeCategory"]) == "scheduledChange":
                kind = InterruptionKind.ScheduledChange;
                instances = (detail["affectedEntities"] as JsonArray ?? [])
                    .Select(e => Text((e as JsonObject)?["entityValue"]))
                    .Where(v => v is not null && v.StartsWith("i-", StringComparison.Ordinal))
                    .Select(v => v!)
                    .ToList();
                break;
            default:
                error = $"unexpected event: source \"{source}\", detail-type \"{detailType}\"";
                return false;
        }

        if (instances.Count == 0)
        {
            error = $"\"{detailType}\" names no instance";
            return false;
        }

        parsed = new InterruptionEvent(kind, instances, state, time);
        error = string.Empty;
        return true;
    }

    /// <summary>What Shoal does about an event for one of its workers.</summary>
    public static InterruptionAction ActionFor(InterruptionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind switch
        {
            InterruptionKind.SpotInterruption => InterruptionAction.Interrupt,
            InterruptionKind.Rebalance or InterruptionKind.ScheduledChange => InterruptionAction.Drain,
            // The instance is going or gone: its job cannot finish there.
            InterruptionKind.StateChange when e.State is "stopping" or "stopped" or "shutting-down" or "terminated" => InterruptionAction.Interrupt,
            _ => InterruptionAction.None,
        };
    }

    private static IEnumerable<string> One(JsonNode? node) => Text(node) is { Length: > 0 } id ? [id] : [];

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
