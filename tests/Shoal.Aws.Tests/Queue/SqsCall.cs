namespace Shoal.Aws.Tests.Queue;

/// <summary>One call the code under test made to <see cref="FakeSqsApi"/>, with the inputs that matter.</summary>
public sealed record SqsCall(
    string Operation,
    string? QueueUrl = null,
    string? ReceiptHandle = null,
    string? Body = null,
    int? Seconds = null,
    int? Max = null,
    int? Wait = null,
    string? Name = null,
    IReadOnlyDictionary<string, string>? Attributes = null);
