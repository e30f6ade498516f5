using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Shoal.E2ETests.Docker;

/// <summary>
/// dockerd with --tlsverify, in miniature: a loopback TCP port that speaks TLS with a server certificate from
/// its own CA, demands a client certificate, and answers GET /_ping. <see cref="CertPath"/> is a
/// DOCKER_CERT_PATH-style folder (ca.pem, cert.pem, key.pem); <see cref="WithForeignCa"/> swaps in a CA
/// that did not sign the server, as a stale folder would.
/// </summary>
internal sealed class FakeTlsDockerEngine : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly RSA serverKey = RSA.Create(2048);
    private readonly X509Certificate2 serverCertificate;
    private readonly CancellationTokenSource stop = new();
    private int clientCertificates;

    public FakeTlsDockerEngine()
    {
        CertPath = Directory.CreateTempSubdirectory("shoal-docker-tls-").FullName;
        using var caKey = RSA.Create(2048);
        using var ca = SelfSignedCa("shoal test docker CA", caKey);
        serverCertificate = Issue(ca, caKey, "127.0.0.1", serverKey, server: true);
        using var clientKey = RSA.Create(2048);
        using var client = Issue(ca, caKey, "shoal test client", clientKey, server: false);
        File.WriteAllText(Path.Combine(CertPath, "ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(CertPath, "cert.pem"), client.ExportCertificatePem());
        File.WriteAllText(Path.Combine(CertPath, "key.pem"), clientKey.ExportPkcs8PrivateKeyPem());

        listener.Start();
        _ = AcceptAsync();
    }

    public string CertPath { get; }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public DockerEndpoint Endpoint => DockerEndpoint.Parse($"tcp://127.0.0.1:{Port}", "1", CertPath);

    /// <summary>How many TLS connections presented a client certificate.</summary>
    public int ClientCertificates => Volatile.Read(ref clientCertificates);

    public void WithForeignCa()
    {
        using var key = RSA.Create(2048);
        using var foreign = SelfSignedCa("some other CA", key);
        File.WriteAllText(Path.Combine(CertPath, "ca.pem"), foreign.ExportCertificatePem());
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        serverCertificate.Dispose();
        serverKey.Dispose();
        stop.Dispose();
        Directory.Delete(CertPath, recursive: true);
    }

    private static X509Certificate2 SelfSignedCa(string name, RSA key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, RSA caKey, string name, RSA key, bool server)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(8);
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1), serial);
        return issued.CopyWithPrivateKey(key);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                _ = AnswerAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed: the test is over.
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = serverCertificate,
                        ClientCertificateRequired = true,
                        RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
                    },
                    stop.Token);
                if (tls.RemoteCertificate is not null)
                {
                    Interlocked.Increment(ref clientCertificates);
                }

                var buffer = new byte[4096];
                var received = new StringBuilder();
                while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await tls.ReadAsync(buffer, stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    received.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                await tls.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK"), stop.Token);
            }
            catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException)
            {
                // The client gave up on our certificate (the foreign-CA case) or the test ended.
            }
        }
    }
}
