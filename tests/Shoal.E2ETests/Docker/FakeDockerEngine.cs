using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Shoal.E2ETests.Docker;

/// <summary>
/// A stand-in for dockerd, on a unix socket in a temp folder or on a loopback TCP port: answers every
/// request with a fixed status line or, when silent, accepts connections and never answers (a hung
/// daemon). Records the request lines.
/// </summary>
internal sealed class FakeDockerEngine : IDisposable
{
    private readonly Socket listener;
    private readonly string folder;
    private readonly string? statusLine;
    private readonly List<string> requests = [];
    private readonly List<Socket> held = [];
    private readonly CancellationTokenSource stop = new();

    private FakeDockerEngine(string? statusLine, bool tcp)
    {
        this.statusLine = statusLine;
        folder = Directory.CreateTempSubdirectory("shoal-docker-").FullName;
        if (tcp)
        {
            listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Endpoint = DockerEndpoint.Parse($"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}", null, null);
        }
        else
        {
            var path = Path.Combine(folder, "docker.sock");
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            Endpoint = DockerEndpoint.Parse($"unix://{path}", null, null);
        }

        listener.Listen();
        _ = AcceptAsync();
    }

    public DockerEndpoint Endpoint { get; }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    public static FakeDockerEngine Answering(string statusLine, bool tcp = false) => new(statusLine, tcp);

    public static FakeDockerEngine Silent() => new(null, tcp: false);

    public void Dispose()
    {
        stop.Cancel();
        listener.Dispose();
        lock (held)
        {
            held.ForEach(s => s.Dispose());
        }

        stop.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptAsync(stop.Token);
                lock (held)
                {
                    held.Add(client);
                }

                if (statusLine is not null)
                {
                    _ = AnswerAsync(client, statusLine);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed: the test is over.
        }
    }

    private async Task AnswerAsync(Socket client, string status)
    {
        var buffer = new byte[4096];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await client.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
            if (n == 0)
            {
                return;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        lock (requests)
        {
            requests.Add(received.ToString().Split("\r\n")[0]);
        }

        var body = status.StartsWith("200", StringComparison.Ordinal) ? "OK" : "{\"message\":\"not ready\"}";
        var response = $"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await client.SendAsync(Encoding.ASCII.GetBytes(response), SocketFlags.None, stop.Token);
        client.Shutdown(SocketShutdown.Both);
    }
}
