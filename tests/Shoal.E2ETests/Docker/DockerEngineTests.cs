using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Shoal.E2ETests.Docker;

// The probe behind [DockerFact]: these run everywhere, Docker or not, against a fake engine.
public sealed class DockerEngineTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_engine_that_answers_the_ping_on_a_unix_socket_is_reachable()
    {
        using var engine = FakeDockerEngine.Answering("200 OK");

        Assert.Null(await DockerEngine.PingAsync(engine.Endpoint, Generous));
        Assert.Equal(["GET /_ping HTTP/1.1"], engine.Requests);
    }

    [Fact]
    public async Task An_engine_that_answers_the_ping_on_tcp_is_reachable()
    {
        using var engine = FakeDockerEngine.Answering("200 OK", tcp: true);

        Assert.Null(await DockerEngine.PingAsync(engine.Endpoint, Generous));
        Assert.Equal(["GET /_ping HTTP/1.1"], engine.Requests);
    }

    [Fact]
    public async Task A_missing_socket_is_unreachable_and_the_reason_names_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"shoal-no-docker-{Guid.NewGuid():N}.sock");

        var why = await DockerEngine.PingAsync(DockerEndpoint.Parse($"unix://{path}", null, null), Generous);

        Assert.Equal($"DOCKER_HOST=unix://{path}: the socket does not exist", why);
    }

    [Fact]
    public async Task A_socket_file_with_no_daemon_behind_it_is_unreachable()
    {
        // A socket file with nobody accepting on it, as a dead or starting dockerd leaves: bound, not listening.
        var path = Path.Combine(Path.GetTempPath(), $"shoal-stale-{Guid.NewGuid():N}.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            var why = await DockerEngine.PingAsync(DockerEndpoint.Parse($"unix://{path}", null, null), Generous);

            Assert.NotNull(why);
            Assert.StartsWith($"DOCKER_HOST=unix://{path}: ", why, StringComparison.Ordinal);
            Assert.Contains("refused", why, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Nothing_listening_on_a_tcp_port_is_unreachable()
    {
        int port;
        using (var free = new TcpListener(IPAddress.Loopback, 0))
        {
            free.Start();
            port = ((IPEndPoint)free.LocalEndpoint).Port;
        }

        var why = await DockerEngine.PingAsync(DockerEndpoint.Parse($"tcp://127.0.0.1:{port}", null, null), Generous);

        Assert.NotNull(why);
        Assert.StartsWith($"DOCKER_HOST=tcp://127.0.0.1:{port}: ", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_that_answers_with_an_error_status_is_unreachable_with_that_status()
    {
        using var engine = FakeDockerEngine.Answering("503 Service Unavailable");

        var why = await DockerEngine.PingAsync(engine.Endpoint, Generous);

        Assert.Equal($"{engine.Endpoint.Description} answered GET /_ping with 503 Service Unavailable", why);
    }

    [Fact]
    public async Task An_engine_that_never_answers_is_given_up_on_at_the_deadline()
    {
        using var engine = FakeDockerEngine.Silent();
        var clock = Stopwatch.StartNew();

        var why = await DockerEngine.PingAsync(engine.Endpoint, TimeSpan.FromMilliseconds(200));

        Assert.Equal($"{engine.Endpoint.Description} did not answer GET /_ping within 0.2 s", why);
        Assert.True(clock.Elapsed < Generous, $"the probe took {clock.Elapsed} for a 200 ms deadline");
    }

    [Fact]
    public async Task Unreadable_TLS_certificates_are_reported_with_the_folder_to_fix()
    {
        var folder = Directory.CreateTempSubdirectory("shoal-certs-").FullName;
        try
        {
            var why = await DockerEngine.PingAsync(DockerEndpoint.Parse("tcp://127.0.0.1:2376", "1", folder), Generous);

            Assert.NotNull(why);
            Assert.StartsWith($"DOCKER_HOST=tcp://127.0.0.1:2376 with TLS: the TLS client certificate in {folder} could not be read", why, StringComparison.Ordinal);
            Assert.EndsWith("set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem", why, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public async Task A_TLS_engine_is_pinged_with_the_client_certificate_and_trusted_through_ca_pem()
    {
        using var engine = new FakeTlsDockerEngine();

        Assert.Null(await DockerEngine.PingAsync(engine.Endpoint, Generous));
        Assert.Equal(1, engine.ClientCertificates);
    }

    [Fact]
    public async Task A_TLS_engine_whose_certificate_ca_pem_did_not_sign_is_unreachable()
    {
        using var engine = new FakeTlsDockerEngine();
        engine.WithForeignCa();

        var why = await DockerEngine.PingAsync(engine.Endpoint, Generous);

        Assert.NotNull(why);
        Assert.StartsWith($"DOCKER_HOST=tcp://127.0.0.1:{engine.Port} with TLS: ", why, StringComparison.Ordinal);
        Assert.EndsWith($"Check the files in {engine.CertPath}: ca.pem must have signed the engine's certificate, and the engine must accept cert.pem", why, StringComparison.Ordinal);
    }

    [Fact]
    public void The_skip_reason_says_what_is_missing_why_and_what_needs_it()
    {
        Assert.Equal(
            "no Docker engine reachable (DOCKER_HOST unset, default socket /var/run/docker.sock: the socket does not exist); these tests need Docker to run k3s",
            DockerEngine.SkipReason("DOCKER_HOST unset, default socket /var/run/docker.sock: the socket does not exist"));
    }
}
