namespace Shoal.Aws.Tests.Interruptions;

/// <summary>EventBridge event bodies as they arrive on an SQS target, shaped like AWS's documented examples.</summary>
internal static class InterruptionEvents
{
    public static string Spot(string instance) => $$$"""
        {"version":"0","id":"1e5527d7-bb36-4607-3370-4164db56a40e","detail-type":"EC2 Spot Instance Interruption Warning","source":"aws.ec2",
         "account":"123456789012","time":"2026-11-24T12:00:00Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1b:instance/{{{instance}}}"],
         "detail":{"instance-id":"{{{instance}}}","instance-action":"terminate"}}
        """;

    public static string Rebalance(string instance) => $$$"""
        {"version":"0","id":"2","detail-type":"EC2 Instance Rebalance Recommendation","source":"aws.ec2","account":"123456789012",
         "time":"2026-11-24T12:00:00Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1b:instance/{{{instance}}}"],"detail":{"instance-id":"{{{instance}}}"}}
        """;

    public static string State(string instance, string state) => $$$"""
        {"version":"0","id":"3","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012",
         "time":"2026-11-24T12:00:00Z","region":"us-east-1","resources":["arn:aws:ec2:us-east-1:123456789012:instance/{{{instance}}}"],
         "detail":{"instance-id":"{{{instance}}}","state":"{{{state}}}"}}
        """;

    public static string Scheduled(params string[] instances) => $$$"""
        {"version":"0","id":"4","detail-type":"AWS Health Event","source":"aws.health","account":"123456789012","time":"2026-11-24T12:00:00Z",
         "region":"us-east-1","resources":[],"detail":{"eventArn":"arn:aws:health:us-east-1::event/EC2/x","service":"EC2",
         "eventTypeCode":"AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED","eventTypeCategory":"scheduledChange",
         "affectedEntities":[{{{string.Join(",", instances.Select(i => $"{{\"entityValue\":\"{i}\"}}"))}}}]}}
        """;
}
