using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shoal.Aws.Commands;
using Shoal.Aws.Interruptions;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.EventBridge;

// The rules must deliver exactly the events Shoal's parsers act on: anything they drop is noise on the
// queue, anything they miss is an interruption nobody hears about.
public sealed partial class EventBridgeConfigTests
{
    private static readonly JsonObject CloudFormation = (JsonObject)JsonNode.Parse(RepoPaths.Read("config", "eventbridge", "cloudformation.json"))!;

    [Fact]
    public void Every_interruption_pattern_matches_events_the_interruption_parser_acts_on()
    {
        foreach (var (name, pattern) in EventPatterns.All().Where(p => p.Key != EventPatterns.CommandStatus))
        {
            var parsed = InterruptionParser.TryParse(EventPatterns.SampleEvent(pattern).ToJsonString(), out var e, out var error);

            Assert.True(parsed, $"{name}: {error}");
            Assert.NotEqual(InterruptionAction.None, InterruptionParser.ActionFor(e!));
        }
    }

    [Fact]
    public void The_state_change_rule_forwards_exactly_the_states_that_interrupt_a_worker()
    {
        string[] allStates = ["pending", "running", "stopping", "stopped", "shutting-down", "terminated"];
        var forwarded = EventPatterns.All()["state-change"]["detail"]!["state"]!.AsArray().Select(s => s!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);

        var acted = allStates.Where(s => InterruptionParser.ActionFor(new InterruptionEvent(InterruptionKind.StateChange, ["i-1"], s, null)) != InterruptionAction.None);

        Assert.Equal(acted.Order(StringComparer.Ordinal), forwarded.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_event_kind_the_interruption_parser_accepts_has_a_rule()
    {
        var source = RepoPaths.Read("src", "Shoal.Aws", "Interruptions", "InterruptionParser.cs");
        var accepted = ParserCase().Matches(source).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        var ruled = EventPatterns.All().Values.Select(p => (p["source"]![0]!.GetValue<string>(), p["detail-type"]![0]!.GetValue<string>())).ToHashSet();

        Assert.NotEmpty(accepted);
        Assert.All(accepted, a => Assert.Contains(a, ruled));
    }

    [Fact]
    public void The_command_status_rule_matches_what_the_command_event_source_reads()
    {
        var pattern = EventPatterns.All()[EventPatterns.CommandStatus];

        Assert.Equal(["aws.ssm"], pattern["source"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal([CommandEventSource.DetailType], pattern["detail-type"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public void CloudFormation_creates_one_rule_per_pattern_with_the_same_pattern_and_queue()
    {
        var rules = CloudFormation["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::Events::Rule")
            .ToDictionary(r => Regex.Match(r.Value!["Properties"]!["Name"]!["Fn::Sub"]!.GetValue<string>(), @"^shoal-\$\{QueueName\}-(.+)$").Groups[1].Value, r => r.Value!["Properties"]!, StringComparer.Ordinal);

        Assert.Equal(EventPatterns.All().Keys, rules.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, pattern) in EventPatterns.All())
        {
            Assert.True(JsonNode.DeepEquals(pattern, rules[name]["EventPattern"]), $"{name}: cloudformation.json's EventPattern differs from patterns/{name}.json");
            var queue = rules[name]["Targets"]![0]!["Arn"]!["Fn::GetAtt"]![0]!.GetValue<string>();
            var queueName = CloudFormation["Resources"]![queue]!["Properties"]!["QueueName"]!["Fn::Sub"]!.GetValue<string>();
            Assert.Equal("${QueueName}" + EventPatterns.QueueSuffixFor(name), queueName);
        }
    }

    [Fact]
    public void CloudFormation_queue_policies_follow_the_template_apply_sh_uses()
    {
        var template = JsonNode.Parse(RepoPaths.Read("config", "eventbridge", "queue-policy.template.json"))!["Statement"]![0]!;
        var policies = CloudFormation["Resources"]!.AsObject().Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::SQS::QueuePolicy").ToList();

        Assert.Equal(2, policies.Count);
        Assert.All(policies, p =>
        {
            var statement = p.Value!["Properties"]!["PolicyDocument"]!["Statement"]![0]!;
            Assert.True(JsonNode.DeepEquals(template["Principal"], statement["Principal"]));
            Assert.Equal(template["Action"]!.GetValue<string>(), statement["Action"]!.GetValue<string>());
            Assert.EndsWith(":rule/shoal-${QueueName}-*", statement["Condition"]!["ArnLike"]!["aws:SourceArn"]!["Fn::Sub"]!.GetValue<string>(), StringComparison.Ordinal);
        });
    }

    [GeneratedRegex("""case \("([^"]+)", "([^"]+)"\)""")]
    private static partial Regex ParserCase();
}
