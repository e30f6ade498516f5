namespace Shoal.Deploy.Tests.Iam;

// One AWS SDK method called in the source: Service is the IAM prefix ("ec2"), Operation the method
// without "Async" ("CreateFleet"), File where it was seen.
public sealed record SdkCall(string Service, string Operation, string File);
