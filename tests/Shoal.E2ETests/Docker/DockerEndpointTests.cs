namespace Shoal.E2ETests.Docker;

public sealed class DockerEndpointTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_DOCKER_HOST_the_default_socket_is_used(string? dockerHost)
    {
        var endpoint = DockerEndpoint.Parse(dockerHost, null, null);

        Assert.Equal(("/var/run/docker.sock", null), (endpoint.SocketPath, endpoint.Address));
        Assert.Equal("DOCKER_HOST unset, default socket /var/run/docker.sock", endpoint.Description);
    }

    [Fact]
    public void A_unix_DOCKER_HOST_names_the_socket()
    {
        var endpoint = DockerEndpoint.Parse("unix:///home/me/.colima/default/docker.sock", null, null);

        Assert.Equal(("/home/me/.colima/default/docker.sock", null), (endpoint.SocketPath, endpoint.Address));
    }

    [Theory]
    [InlineData("tcp://10.0.0.5:2375", null, "http://10.0.0.5:2375/")]
    [InlineData("tcp://10.0.0.5", null, "http://10.0.0.5:2375/")]
    [InlineData("tcp://10.0.0.5", "1", "https://10.0.0.5:2376/")]
    [InlineData("tcp://docker.internal:4243", "yes", "https://docker.internal:4243/")]
    public void A_tcp_DOCKER_HOST_is_pinged_over_http_or_https_on_the_docker_default_ports(string dockerHost, string? tlsVerify, string expected)
    {
        var endpoint = DockerEndpoint.Parse(dockerHost, tlsVerify, "/certs");

        Assert.Null(endpoint.SocketPath);
        Assert.Equal(new Uri(expected), endpoint.Address);
        Assert.Equal(tlsVerify is null ? null : "/certs", endpoint.CertPath);
    }

    [Fact]
    public void TLS_certificates_default_to_the_docker_folder_in_home()
    {
        var endpoint = DockerEndpoint.Parse("tcp://10.0.0.5", "1", null);

        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), endpoint.CertPath);
    }

    [Theory]
    [InlineData("ssh://me@build-box", "uses 'ssh://'")]
    [InlineData("npipe:////./pipe/docker_engine", "uses 'npipe://'")]
    [InlineData("docker.sock", "is not an address")]
    public void An_unusable_DOCKER_HOST_is_refused_with_what_to_set_instead(string dockerHost, string problem)
    {
        var error = Assert.Throws<FormatException>(() => DockerEndpoint.Parse(dockerHost, null, null));

        Assert.StartsWith($"DOCKER_HOST='{dockerHost}' {problem}", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("set it to unix:///path/to/docker.sock or tcp://host:port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_socket_path_in_DOCKER_HOST_is_refused_with_the_unix_address_to_use()
    {
        var error = Assert.Throws<FormatException>(() => DockerEndpoint.Parse("/run/user/1000/docker.sock", null, null));

        Assert.Equal("DOCKER_HOST='/run/user/1000/docker.sock' is a path, not an address; set it to unix:///run/user/1000/docker.sock (or tcp://host:port)", error.Message);
    }
}
