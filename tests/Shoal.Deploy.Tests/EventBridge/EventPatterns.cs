using System.Text.Json.Nodes;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.EventBridge;

// config/eventbridge/patterns/*.json: one EventBridge rule each. command-status feeds the command-event
// queue, every other pattern the interruption queue (apply.sh and cloudformation.json route them so).
internal static class EventPatterns
{
    public const string CommandStatus = "command-status";

    public static IReadOnlyDictionary<string, JsonObject> All() =>
        Directory.GetFiles(RepoPaths.Of("config", "eventbridge", "patterns"), "*.json")
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => (JsonObject)JsonNode.Parse(File.ReadAllText(f))!, StringComparer.Ordinal);

    public static string QueueSuffixFor(string pattern) => pattern == CommandStatus ? "-command-events" : "-interruptions";

    // An event this pattern matches: the first listed value of every field, and an instance id.
    public static JsonObject SampleEvent(JsonObject pattern)
    {
        var detail = new JsonObject { ["instance-id"] = "i-0abc123def4567890", ["command-id"] = "c0ffee00-1111-2222-3333-444455556666", ["status"] = "Success" };
        foreach (var (key, values) in pattern["detail"]?.AsObject() ?? [])
        {
            detail[key] = values![0]!.DeepClone();
        }

        if (pattern["source"]![0]!.GetValue<string>() == "aws.health")
        {
            detail["affectedEntities"] = new JsonArray(new JsonObject { ["entityValue"] = "i-0abc123def4567890" });
        }

        return new JsonObject
        {
            ["version"] = "0",
            ["id"] = "7bf73129-1428-4cd3-a780-95db273d1602",
            ["source"] = pattern["source"]![0]!.DeepClone(),
            ["detail-type"] = pattern["detail-type"]![0]!.DeepClone(),
            ["account"] = "111122223333",
            ["time"] = "2026-11-24T10:00:00Z",
            ["region"] = "us-east-1",
            ["resources"] = new JsonArray("arn:aws:ec2:us-east-1:111122223333:instance/i-0abc123def4567890"),
            ["detail"] = detail,
        };
    }
}
