namespace Shoal.Aws.Sdk;

/// <summary>
/// Where the SDK clients point. Credentials always come from the SDK's standard chain. An endpoint
/// (AWS_ENDPOINT_URL, or --endpoint) sends every service to one URL: moto, LocalStack.
/// </summary>
public sealed record AwsClientOptions
{
    public string? Region { get; init; }

    public Uri? Endpoint { get; init; }

    /// <summary>The SDK's own quick retries; <see cref="Errors.AwsRetry"/> adds bounded, jittered ones on top.</summary>
    public int SdkMaxErrorRetry { get; init; } = 2;

    public static AwsClientOptions FromEnvironment() => new()
    {
        Region = FirstNonEmpty("AWS_REGION", "AWS_DEFAULT_REGION"),
        Endpoint = FirstNonEmpty("AWS_ENDPOINT_URL") is { } url ? new Uri(url) : null,
    };

    private static string? FirstNonEmpty(params string[] names) =>
        names.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
