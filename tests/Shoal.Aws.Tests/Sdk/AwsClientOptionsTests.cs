using Shoal.Aws.Sdk;

namespace Shoal.Aws.Tests.Sdk;

public sealed class AwsClientOptionsTests
{
    [Fact]
    public void A_service_specific_variable_wins_over_the_shared_endpoint_for_that_service_only()
    {
        var options = FromEnvironment(new()
        {
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:5000",
            ["AWS_ENDPOINT_URL_SSM"] = "http://127.0.0.1:6000",
        });

        Assert.Equal(new Uri("http://127.0.0.1:6000"), options.EndpointFor("SSM"));
        Assert.Equal(new Uri("http://127.0.0.1:5000"), options.EndpointFor("EC2"));
        Assert.Equal(new Uri("http://127.0.0.1:5000"), options.EndpointFor("S3"));
        Assert.Equal(new Uri("http://127.0.0.1:5000"), options.Endpoint);
    }

    [Theory]
    [InlineData("EC2")]
    [InlineData("SQS")]
    [InlineData("DYNAMODB")]
    [InlineData("S3")]
    [InlineData("SSM")]
    public void Every_service_reads_its_own_variable(string service)
    {
        var options = FromEnvironment(new() { ["AWS_ENDPOINT_URL_" + service] = "https://example.test:8443/" });

        Assert.Equal(new Uri("https://example.test:8443/"), options.EndpointFor(service));
        Assert.Null(options.Endpoint);
        Assert.All(AwsClientOptions.Services.Where(s => s != service), other => Assert.Null(options.EndpointFor(other)));
    }

    [Fact]
    public void Service_names_match_in_any_case_so_the_SDK_s_DynamoDB_finds_DYNAMODB()
    {
        var options = FromEnvironment(new() { ["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:7000" });

        Assert.Equal(new Uri("http://127.0.0.1:7000"), options.EndpointFor("DynamoDB"));
    }

    [Fact]
    public void Nothing_set_means_AWS_itself_and_blank_values_count_as_unset()
    {
        var options = FromEnvironment(new() { ["AWS_ENDPOINT_URL"] = "  ", ["AWS_ENDPOINT_URL_SSM"] = "", ["AWS_DEFAULT_REGION"] = "eu-west-1" });

        Assert.Null(options.Endpoint);
        Assert.Empty(options.ServiceEndpoints);
        Assert.Null(options.EndpointFor("SSM"));
        Assert.Equal("eu-west-1", options.Region);
    }

    [Fact]
    public void AWS_REGION_wins_over_AWS_DEFAULT_REGION()
    {
        var options = FromEnvironment(new() { ["AWS_REGION"] = "us-west-2", ["AWS_DEFAULT_REGION"] = "eu-west-1" });

        Assert.Equal("us-west-2", options.Region);
    }

    [Fact]
    public void AWS_IGNORE_CONFIGURED_ENDPOINT_URLS_turns_every_endpoint_off()
    {
        var options = FromEnvironment(new()
        {
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "TRUE",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:5000",
            ["AWS_ENDPOINT_URL_SSM"] = "not even a url",
            ["AWS_REGION"] = "us-east-2",
        });

        Assert.Null(options.EndpointFor("SSM"));
        Assert.Null(options.Endpoint);
        Assert.Equal("us-east-2", options.Region);
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL", "127.0.0.1:5000")]
    [InlineData("AWS_ENDPOINT_URL_SSM", "ftp://127.0.0.1/")]
    [InlineData("AWS_ENDPOINT_URL_S3", "localhost")]
    public void A_value_that_is_not_an_http_url_is_refused_naming_the_variable(string variable, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => FromEnvironment(new() { [variable] = value }));

        Assert.Contains(variable + " is \"" + value + "\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:5000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_service_name_is_refused_with_the_names_that_work()
    {
        var options = new AwsClientOptions { ServiceEndpoints = new Dictionary<string, Uri> { ["SMS"] = new("http://127.0.0.1:1") } };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("\"SMS\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("EC2, SQS, DYNAMODB, S3, SSM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_without_service_endpoints_compare_equal_as_before_there_were_any()
    {
        Assert.Equal(new AwsClientOptions { Region = "us-east-1" }, new AwsClientOptions { Region = "us-east-1" });
    }

    private static AwsClientOptions FromEnvironment(Dictionary<string, string> variables) =>
        AwsClientOptions.FromEnvironment(name => variables.GetValueOrDefault(name));
}
