using System.Text.RegularExpressions;

namespace Shoal.Deploy.Tests.Iam;

// Finds the AWS SDK methods the source calls, by reading it: calls on a variable declared as an SDK client
// interface (IAmazonSQS sqs) and on AwsClients' client properties (clients.Sqs.DeleteQueueAsync). Calls
// on Shoal's own narrow interfaces (ISqsApi.CreateQueueAsync) are not SDK calls; the classes behind those
// interfaces make the SDK calls and are found here.
public static partial class AwsSdkCallScanner
{
    private static readonly Dictionary<string, string> ServiceOfClient = new(StringComparer.Ordinal)
    {
        ["EC2"] = "ec2",
        ["SQS"] = "sqs",
        ["DynamoDB"] = "dynamodb",
        ["S3"] = "s3",
        ["SimpleSystemsManagement"] = "ssm",
    };

    private static readonly Dictionary<string, string> ServiceOfProperty = new(StringComparer.Ordinal)
    {
        ["Ec2"] = "ec2",
        ["Sqs"] = "sqs",
        ["DynamoDb"] = "dynamodb",
        ["S3"] = "s3",
        ["Ssm"] = "ssm",
    };

    public static IReadOnlyList<SdkCall> ScanDirectories(params string[] directories) =>
        [.. directories
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !IsBuildOutput(f))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => Scan(File.ReadAllText(f), Path.GetFileName(f)))];

    public static IEnumerable<SdkCall> Scan(string source, string file)
    {
        var receivers = ClientDeclaration().Matches(source)
            .GroupBy(m => m.Groups["name"].Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => ServiceOfClient[g.First().Groups["client"].Value], StringComparer.Ordinal);

        foreach (Match call in Call().Matches(source))
        {
            var receiver = call.Groups["receiver"].Value;
            var service = ServiceOfProperty.TryGetValue(call.Groups["property"].Value, out var viaProperty) ? viaProperty
                : receivers.TryGetValue(receiver, out var viaVariable) ? viaVariable
                : null;
            if (service is not null)
            {
                yield return new SdkCall(service, call.Groups["operation"].Value, file);
            }
        }
    }

    // What a TransactWriteItems request may hold in the source: Put, Update, Delete, ConditionCheck.
    public static IReadOnlySet<string> TransactionItemKinds(params string[] directories) =>
        directories
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !IsBuildOutput(f))
            .Select(File.ReadAllText)
            .Where(text => text.Contains("TransactWriteItem", StringComparison.Ordinal))
            .SelectMany(text => TransactionItem().Matches(text).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    [GeneratedRegex(@"\bIAmazon(?<client>EC2|SQS|DynamoDB|S3|SimpleSystemsManagement)\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ClientDeclaration();

    [GeneratedRegex(@"\b(?<receiver>[A-Za-z_][A-Za-z0-9_]*)(?:\.(?<property>Ec2|Sqs|DynamoDb|S3|Ssm))?\.(?<operation>[A-Z][A-Za-z0-9]*)Async\(")]
    private static partial Regex Call();

    [GeneratedRegex(@"\b(Put|Update|Delete|ConditionCheck)\s*=\s*[A-Za-z_]")]
    private static partial Regex TransactionItem();
}
