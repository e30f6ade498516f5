using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Shoal.E2ETests.Docker;

/// <summary>
/// Asks the Docker engine for GET /_ping, with a short deadline, once per test run: a socket file that
/// exists is not proof of a daemon behind it (the docker client alone, as on these machines, leaves none).
/// </summary>
internal static class DockerEngine
{
    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    // Attribute constructors are synchronous and run once per test: probe once and keep the answer.
    private static readonly Lazy<string?> Cached = new(() => Task.Run(() => WhyUnreachableAsync(PingTimeout)).GetAwaiter().GetResult());

    /// <summary>Null when the engine answered; otherwise why it is not usable, for the skip reason.</summary>
    public static string? WhyUnreachable => Cached.Value;

    public static string SkipReason(string why) => $"no Docker engine reachable ({why}); these tests need Docker to run k3s";

    public static async Task<string?> WhyUnreachableAsync(TimeSpan timeout)
    {
        DockerEndpoint endpoint;
        try
        {
            endpoint = DockerEndpoint.FromEnvironment();
        }
        catch (FormatException e)
        {
            return e.Message;
        }

        return await PingAsync(endpoint, timeout);
    }

    /// <summary>Null when GET /_ping answered 200; otherwise what went wrong, naming the endpoint.</summary>
    public static async Task<string?> PingAsync(DockerEndpoint endpoint, TimeSpan timeout)
    {
        if (endpoint.SocketPath is { } socket && !File.Exists(socket))
        {
            return $"{endpoint.Description}: the socket does not exist";
        }

        SocketsHttpHandler handler;
        try
        {
            handler = Handler(endpoint);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return $"{endpoint.Description}: the TLS client certificate in {endpoint.CertPath} could not be read ({e.Message}); set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem";
        }

        using var http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = new CancellationTokenSource(timeout);
        var url = endpoint.Address is { } address ? new Uri(address, "/_ping") : new Uri("http://localhost/_ping");
        try
        {
            using var response = await http.GetAsync(url, deadline.Token);
            return response.StatusCode == HttpStatusCode.OK
                ? null
                : $"{endpoint.Description} answered GET /_ping with {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return $"{endpoint.Description} did not answer GET /_ping within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
        }
        catch (HttpRequestException e) when (Innermost(e) is AuthenticationException tls)
        {
            return $"{endpoint.Description}: {tls.Message} Check the files in {endpoint.CertPath}: ca.pem must have signed the engine's certificate, and the engine must accept cert.pem";
        }
        catch (HttpRequestException e)
        {
            return $"{endpoint.Description}: {Innermost(e).Message}";
        }
    }

    private static SocketsHttpHandler Handler(DockerEndpoint endpoint)
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        if (endpoint.SocketPath is { } socket)
        {
            handler.ConnectCallback = async (_, cancel) =>
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancel);
                    return new NetworkStream(client, ownsSocket: true);
                }
                catch
                {
                    client.Dispose();
                    throw;
                }
            };
        }
        else if (endpoint.CertPath is { } certs)
        {
            // As the docker CLI does with DOCKER_TLS_VERIFY: present cert.pem/key.pem, trust only ca.pem.
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(certs, "ca.pem")));
            var client = X509Certificate2.CreateFromPemFile(Path.Combine(certs, "cert.pem"), Path.Combine(certs, "key.pem"));
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [client],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(ca, certificate, errors),
            };
        }

        return handler;
    }

    private static bool TrustedBy(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 server || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e;
    }
}
