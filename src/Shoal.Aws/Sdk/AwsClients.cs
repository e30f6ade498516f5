using Amazon;
using Amazon.DynamoDBv2;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SimpleSystemsManagement;
using Amazon.SQS;

namespace Shoal.Aws.Sdk;

/// <summary>
/// Builds the SDK clients from <see cref="AwsClientOptions"/>; the only place clients are configured.
/// Each service is pointed at its own endpoint when it has one (AWS_ENDPOINT_URL_SSM), else the shared one.
/// </summary>
public sealed class AwsClients : IDisposable
{
    private readonly AwsClientOptions options;
    private readonly Lazy<IAmazonEC2> ec2;
    private readonly Lazy<IAmazonSQS> sqs;
    private readonly Lazy<IAmazonDynamoDB> dynamo;
    private readonly Lazy<IAmazonS3> s3;
    private readonly Lazy<IAmazonSimpleSystemsManagement> ssm;
    private readonly Lazy<IAmazonSimpleSystemsManagement> ssmSend;

    public AwsClients(AwsClientOptions options, AWSCredentials? credentials = null, AwsCallCounter? counter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        Counter = counter ?? new AwsCallCounter();
        ec2 = new(() => credentials is null ? new AmazonEC2Client(Configure(Counted(new AmazonEC2Config(), "EC2"), "EC2")) : new AmazonEC2Client(credentials, Configure(Counted(new AmazonEC2Config(), "EC2"), "EC2")));
        sqs = new(() => credentials is null ? new AmazonSQSClient(Configure(Counted(new AmazonSQSConfig(), "SQS"), "SQS")) : new AmazonSQSClient(credentials, Configure(Counted(new AmazonSQSConfig(), "SQS"), "SQS")));
        dynamo = new(() => credentials is null ? new AmazonDynamoDBClient(Configure(Counted(new AmazonDynamoDBConfig(), "DynamoDB"), "DYNAMODB")) : new AmazonDynamoDBClient(credentials, Configure(Counted(new AmazonDynamoDBConfig(), "DynamoDB"), "DYNAMODB")));
        s3 = new(() =>
        {
            var config = Configure(Counted(new AmazonS3Config(), "S3"), "S3");
            config.ForcePathStyle = options.EndpointFor("S3") is not null; // moto and LocalStack serve buckets by path
            return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
        });
        ssm = new(() => credentials is null ? new AmazonSimpleSystemsManagementClient(Configure(Counted(new AmazonSimpleSystemsManagementConfig(), "SSM"), "SSM")) : new AmazonSimpleSystemsManagementClient(credentials, Configure(Counted(new AmazonSimpleSystemsManagementConfig(), "SSM"), "SSM")));
        ssmSend = new(() =>
        {
            var config = Configure(Counted(new AmazonSimpleSystemsManagementConfig(), "SSM"), "SSM");
            config.MaxErrorRetry = 0;
            return credentials is null ? new AmazonSimpleSystemsManagementClient(config) : new AmazonSimpleSystemsManagementClient(credentials, config);
        });
    }

    /// <summary>Every request these clients send, by operation.</summary>
    public AwsCallCounter Counter { get; }

    public IAmazonEC2 Ec2 => ec2.Value;

    public IAmazonSQS Sqs => sqs.Value;

    public IAmazonDynamoDB DynamoDb => dynamo.Value;

    public IAmazonS3 S3 => s3.Value;

    public IAmazonSimpleSystemsManagement Ssm => ssm.Value;

    /// <summary>
    /// SSM without the SDK's own retries, for SendCommand only: it has no idempotency token, so a quiet
    /// re-send after a timeout could start a job twice. Our retry looks the command up first.
    /// </summary>
    public IAmazonSimpleSystemsManagement SsmSend => ssmSend.Value;

    public void Dispose()
    {
        foreach (var client in new IDisposable?[] { Created(ec2), Created(sqs), Created(dynamo), Created(s3), Created(ssm), Created(ssmSend) })
        {
            client?.Dispose();
        }
    }

    private static IDisposable? Created<T>(Lazy<T> lazy) where T : IDisposable => lazy.IsValueCreated ? lazy.Value : null;

    private T Counted<T>(T config, string service) where T : ClientConfig
    {
        config.HttpClientFactory = new CountingHttpClientFactory(Counter, service);
        return config;
    }

    private T Configure<T>(T config, string service) where T : ClientConfig
    {
        config.MaxErrorRetry = options.SdkMaxErrorRetry;
        if (options.EndpointFor(service) is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return config;
    }
}
