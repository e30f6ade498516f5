namespace Shoal.E2ETests.Docker;

/// <summary>
/// Where to look for a Docker engine, read the way the docker CLI and Testcontainers read it: DOCKER_HOST
/// (unix:// or tcp://, with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for TLS), else the default socket.
/// Exactly one of <see cref="SocketPath"/> and <see cref="Address"/> is set.
/// </summary>
internal sealed record DockerEndpoint(string Description, string? SocketPath, Uri? Address, string? CertPath)
{
    public const string DefaultSocket = "/var/run/docker.sock";

    public static DockerEndpoint FromEnvironment() => Parse(
        Environment.GetEnvironmentVariable("DOCKER_HOST"),
        Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY"),
        Environment.GetEnvironmentVariable("DOCKER_CERT_PATH"));

    /// <exception cref="FormatException">DOCKER_HOST holds something this probe cannot ping; the message says what to set instead.</exception>
    public static DockerEndpoint Parse(string? dockerHost, string? tlsVerify, string? certPath)
    {
        if (string.IsNullOrWhiteSpace(dockerHost))
        {
            return new DockerEndpoint($"DOCKER_HOST unset, default socket {DefaultSocket}", DefaultSocket, null, null);
        }

        if (!Uri.TryCreate(dockerHost.Trim(), UriKind.Absolute, out var uri))
        {
            throw new FormatException($"DOCKER_HOST='{dockerHost}' is not an address; set it to unix:///path/to/docker.sock or tcp://host:port");
        }

        switch (uri.Scheme)
        {
            case "file":
                throw new FormatException($"DOCKER_HOST='{dockerHost}' is a path, not an address; set it to unix://{dockerHost.Trim()} (or tcp://host:port)");
            case "unix" when uri.AbsolutePath.Length > 1:
                return new DockerEndpoint($"DOCKER_HOST={dockerHost}", Uri.UnescapeDataString(uri.AbsolutePath), null, null);
            case "tcp" when uri.Host.Length > 0:
                // Like the docker CLI: any non-empty DOCKER_TLS_VERIFY means TLS, and the ports default to 2376 / 2375.
                var tls = !string.IsNullOrEmpty(tlsVerify);
                var port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 2376 : 2375) : uri.Port;
                var address = new UriBuilder(tls ? "https" : "http", uri.Host, port).Uri;
                var certs = tls ? (string.IsNullOrEmpty(certPath) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker") : certPath) : null;
                return new DockerEndpoint($"DOCKER_HOST={dockerHost}{(tls ? " with TLS" : "")}", null, address, certs);
            default:
                throw new FormatException($"DOCKER_HOST='{dockerHost}' uses '{uri.Scheme}://', which these tests cannot ping; set it to unix:///path/to/docker.sock or tcp://host:port");
        }
    }
}
