using Amazon.Runtime;
using Amazon.S3;
using Shoal.Aws.Sdk;

namespace Shoal.Aws.Tests.Sdk;

/// <summary>Builds clients without sending anything and checks where each one points.</summary>
public sealed class AwsClientsTests
{
    private static readonly AWSCredentials Credentials = new BasicAWSCredentials("testing", "testing");

    [Fact]
    public void Only_the_service_with_its_own_endpoint_goes_there_and_the_rest_follow_the_shared_one()
    {
        var options = new AwsClientOptions
        {
            Region = "us-east-1",
            Endpoint = new Uri("http://127.0.0.1:5000"),
            ServiceEndpoints = new Dictionary<string, Uri> { ["SSM"] = new("http://127.0.0.1:6000") },
        };
        using var clients = new AwsClients(options, Credentials);

        Assert.Equal("http://127.0.0.1:6000/", clients.Ssm.Config.ServiceURL);
        Assert.Equal("http://127.0.0.1:5000/", clients.Ec2.Config.ServiceURL);
        Assert.Equal("http://127.0.0.1:5000/", clients.Sqs.Config.ServiceURL);
        Assert.Equal("http://127.0.0.1:5000/", clients.DynamoDb.Config.ServiceURL);
        Assert.Equal("http://127.0.0.1:5000/", clients.S3.Config.ServiceURL);
        Assert.Equal("us-east-1", clients.Ssm.Config.AuthenticationRegion);
    }

    [Fact]
    public void A_service_endpoint_alone_leaves_the_other_services_on_their_regional_AWS_endpoints()
    {
        var options = new AwsClientOptions
        {
            Region = "eu-west-1",
            ServiceEndpoints = new Dictionary<string, Uri> { ["ssm"] = new("http://127.0.0.1:6000") },
        };
        using var clients = new AwsClients(options, Credentials);

        Assert.Equal("http://127.0.0.1:6000/", clients.Ssm.Config.ServiceURL);
        Assert.Equal("eu-west-1", clients.Ssm.Config.AuthenticationRegion);
        Assert.Null(clients.Ec2.Config.ServiceURL);
        Assert.Equal("eu-west-1", clients.Ec2.Config.RegionEndpoint.SystemName);
        Assert.False(((AmazonS3Config)clients.S3.Config).ForcePathStyle);
    }

    [Fact]
    public void S3_uses_path_style_addressing_exactly_when_its_endpoint_is_not_AWS()
    {
        var options = new AwsClientOptions
        {
            Region = "us-east-1",
            ServiceEndpoints = new Dictionary<string, Uri> { ["S3"] = new("http://127.0.0.1:7000") },
        };
        using var clients = new AwsClients(options, Credentials);

        Assert.True(((AmazonS3Config)clients.S3.Config).ForcePathStyle);
        Assert.Equal("http://127.0.0.1:7000/", clients.S3.Config.ServiceURL);
    }

    [Fact]
    public void A_misspelt_service_is_refused_when_the_clients_are_built_not_silently_sent_to_AWS()
    {
        var options = new AwsClientOptions { ServiceEndpoints = new Dictionary<string, Uri> { ["SMS"] = new("http://127.0.0.1:6000") } };

        Assert.Throws<ArgumentException>(() => new AwsClients(options, Credentials));
    }
}
