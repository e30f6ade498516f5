namespace Shoal.Aws.Sdk;

/// <summary>
/// Where the SDK clients point. Credentials always come from the SDK's standard chain. An endpoint
/// (AWS_ENDPOINT_URL, or --endpoint) sends every service to one URL: moto, LocalStack. A per-service
/// endpoint (AWS_ENDPOINT_URL_SSM and the like, the AWS SDKs' shared convention) wins over it for
/// that service, so one service can go to a double while the rest go to moto.
/// </summary>
public sealed record AwsClientOptions
{
    /// <summary>The services Shoal talks to, named as in AWS_ENDPOINT_URL_&lt;SERVICE&gt;.</summary>
    public static IReadOnlyList<string> Services { get; } = ["EC2", "SQS", "DYNAMODB", "S3", "SSM"];

    // Shared, so two default options still compare equal (records compare a dictionary by reference).
    private static readonly IReadOnlyDictionary<string, Uri> NoServiceEndpoints = new Dictionary<string, Uri>();

    public string? Region { get; init; }

    public Uri? Endpoint { get; init; }

    /// <summary>Service name (one of <see cref="Services"/>, any case) → its own endpoint, winning over <see cref="Endpoint"/>.</summary>
    public IReadOnlyDictionary<string, Uri> ServiceEndpoints { get; init; } = NoServiceEndpoints;

    /// <summary>The SDK's own quick retries; <see cref="Errors.AwsRetry"/> adds bounded, jittered ones on top.</summary>
    public int SdkMaxErrorRetry { get; init; } = 2;

    public static AwsClientOptions FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>The endpoint for one service: its own if it has one, else the shared one, else null (AWS itself).</summary>
    public Uri? EndpointFor(string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        foreach (var (name, endpoint) in ServiceEndpoints)
        {
            if (string.Equals(name, service, StringComparison.OrdinalIgnoreCase))
            {
                return endpoint;
            }
        }

        return Endpoint;
    }

    /// <summary>Throws when a per-service endpoint names a service Shoal does not use: a typo would otherwise send that service to AWS.</summary>
    public void Validate()
    {
        var unknown = ServiceEndpoints.Keys.Where(name => !Services.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"per-service endpoints name unknown service(s) {string.Join(", ", unknown.Select(n => $"\"{n}\""))}: use {string.Join(", ", Services)}");
        }
    }

    internal static AwsClientOptions FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var region = FirstNonEmpty(variable, "AWS_REGION", "AWS_DEFAULT_REGION");

        // The SDKs' documented switch for turning configured endpoints off without unsetting them.
        if (string.Equals(variable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return new AwsClientOptions { Region = region };
        }

        var services = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in Services)
        {
            var name = "AWS_ENDPOINT_URL_" + service;
            if (ParseEndpoint(name, variable(name)) is { } endpoint)
            {
                services[service] = endpoint;
            }
        }

        return new AwsClientOptions
        {
            Region = region,
            Endpoint = ParseEndpoint("AWS_ENDPOINT_URL", variable("AWS_ENDPOINT_URL")),
            ServiceEndpoints = services,
        };
    }

    private static Uri? ParseEndpoint(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"{name} is \"{value}\", which is not an http(s) URL: set it like http://127.0.0.1:5000, or unset it to use AWS");
    }

    private static string? FirstNonEmpty(Func<string, string?> variable, params string[] names) =>
        names.Select(variable).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
