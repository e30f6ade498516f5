using System.Text.Json;
using System.Text.Json.Nodes;
using Shoal.Api.V1Alpha1;

namespace Shoal.Api.Tests.V1Alpha1;

public sealed class ConditionJsonTests
{
    [Fact]
    public void SerializesWithMetav1ConditionFieldNames()
    {
        var condition = new Condition
        {
            Type = WellKnown.ReadyCondition,
            Status = ConditionStatuses.True,
            ObservedGeneration = 2,
            LastTransitionTime = new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero),
            Reason = "AllGood",
            Message = "fine",
        };

        var json = JsonNode.Parse(JsonSerializer.Serialize(condition))!.AsObject();

        Assert.Equal(["type", "status", "observedGeneration", "lastTransitionTime", "reason", "message"], json.Select(p => p.Key));
        Assert.Equal("True", (string?)json["status"]);
        Assert.Equal(new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse((string)json["lastTransitionTime"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ReadsKubernetesTimestampsInZuluForm()
    {
        var condition = JsonSerializer.Deserialize<Condition>("""{"type":"Ready","status":"Unknown","lastTransitionTime":"2025-01-31T12:00:00Z","reason":"R","message":""}""")!;

        Assert.Equal(new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero), condition.LastTransitionTime);
        Assert.Null(condition.ObservedGeneration);
    }

    [Fact]
    public void NewConditionIsUnknownUntilSomeoneDecides()
    {
        Assert.Equal("Unknown", new Condition().Status);
    }
}
