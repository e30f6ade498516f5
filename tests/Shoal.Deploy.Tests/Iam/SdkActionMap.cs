namespace Shoal.Deploy.Tests.Iam;

// The IAM actions one SDK call needs. Most are the operation's own name; the exceptions are listed with
// the reason AWS gives for them. ForRecorded maps what AwsCallCounter records at run time.
public static class SdkActionMap
{
    private static readonly Dictionary<string, string> CounterServices = new(StringComparer.Ordinal)
    {
        ["EC2"] = "ec2",
        ["SQS"] = "sqs",
        ["DynamoDB"] = "dynamodb",
        ["SSM"] = "ssm",
        ["S3"] = "s3",
    };

    // AwsCallCounter's "Service.Operation" keys ("EC2.CreateFleet", "S3.GETObject") to IAM actions. The
    // JSON and query protocols name the operation exactly; S3's REST calls are counted by HTTP method and
    // bucket-or-object only, so an S3 key gives the alternatives it may have been (one of them was called).
    public static IReadOnlySet<string> ForRecorded(string counterKey, IReadOnlySet<string> transactionItemKinds)
    {
        ArgumentNullException.ThrowIfNull(counterKey);
        var dot = counterKey.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !CounterServices.TryGetValue(counterKey[..dot], out var service))
        {
            throw new ArgumentException($"\"{counterKey}\" is not an AwsCallCounter key (Service.Operation with Service one of {string.Join(", ", CounterServices.Keys)})", nameof(counterKey));
        }

        var operation = counterKey[(dot + 1)..];
        string[] s3Alternatives = (service, operation) switch
        {
            ("s3", "GETObject") => ["GetObject"],
            ("s3", "PUTObject") => ["PutObject"],
            ("s3", "GETBucket") => ["GetBucketLocation", "GetBucketNotification"],
            ("s3", "PUTBucket") => ["PutBucket", "PutBucketNotification"],
            ("s3", "HEADBucket") => ["ListObjectsV2"], // HeadBucket is authorized as s3:ListBucket, as listing is
            _ => [],
        };
        return s3Alternatives.Length > 0
            ? s3Alternatives.SelectMany(o => ActionsFor(new SdkCall(service, o, counterKey), transactionItemKinds)).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : ActionsFor(new SdkCall(service, operation, counterKey), transactionItemKinds);
    }

    public static IReadOnlySet<string> ActionsFor(SdkCall call, IReadOnlySet<string> transactionItemKinds)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(transactionItemKinds);
        string[] actions = (call.Service, call.Operation) switch
        {
            // An instant fleet launches through RunInstances, tags the instances it creates (CreateTags with
            // ec2:CreateAction), and passes the launch template's instance profile role (iam:PassRole).
            ("ec2", "CreateFleet") => ["ec2:CreateFleet", "ec2:RunInstances", "ec2:CreateTags", "iam:PassRole"],
            // Tags given at creation are authorized as CreateTags.
            ("ec2", "CreateLaunchTemplate") => ["ec2:CreateLaunchTemplate", "ec2:CreateTags"],
            // S3's API names differ from its IAM actions.
            ("s3", "PutBucket") => ["s3:CreateBucket"],
            ("s3", "ListObjectsV2" or "ListObjects") => ["s3:ListBucket"],
            ("s3", "PutBucketNotification" or "PutBucketNotificationConfiguration") => ["s3:PutBucketNotification"],
            ("s3", "GetBucketNotification" or "GetBucketNotificationConfiguration") => ["s3:GetBucketNotification"],
            // SQS authorizes batch calls as their single-message actions.
            ("sqs", "DeleteMessageBatch") => ["sqs:DeleteMessage"],
            ("sqs", "SendMessageBatch") => ["sqs:SendMessage"],
            ("sqs", "ChangeMessageVisibilityBatch") => ["sqs:ChangeMessageVisibility"],
            // DynamoDB authorizes each item of a transaction as its single-item action.
            ("dynamodb", "TransactWriteItems") => [.. transactionItemKinds.Select(kind => $"dynamodb:{kind}Item")],
            ("dynamodb", "TransactGetItems") => ["dynamodb:GetItem"],
            _ => [$"{call.Service}:{call.Operation}"],
        };
        if (actions.Length == 0)
        {
            throw new InvalidOperationException($"{call.File}: {call.Service} {call.Operation} found no transaction items (Put, Update, Delete, ConditionCheck) in the source");
        }

        return actions.ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}
