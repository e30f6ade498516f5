using Amazon.Runtime;

namespace Shoal.Aws.Sdk;

/// <summary>Gives an SDK client an HttpClient whose handler counts its requests.</summary>
internal sealed class CountingHttpClientFactory(AwsCallCounter counter, string service) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new CountingHandler(counter, service));

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
}
