namespace Shoal.Deploy.Tests.Iam;

// The IAM actions one SDK call needs. Most are the operation's own name; the exceptions are listed with
// the reason AWS gives for them. An integration test can map the operations it records at run time
// (AwsCallCounter's "EC2.CreateFleet") through ActionsFor as well.
public static class SdkActionMap
{
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
