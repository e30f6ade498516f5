using System.Globalization;
using System.Runtime.InteropServices;
using Shoal.KubeApi;

// Standalone: dotnet run --project tests/Shoal.KubeApi -- --port 6443 --kubeconfig /tmp/kubeapi.yaml [--namespace default] [--verbose]
var port = 6443;
string? kubeconfig = null;
var defaultNamespace = "default";
var verbose = false;
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port":
            var text = Value();
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            {
                Console.Error.WriteLine($"--port: \"{text}\" is not a port number (0-65535; 0 picks a free port).");
                return 2;
            }

            break;
        case "--kubeconfig":
            kubeconfig = Value();
            break;
        case "--namespace":
            defaultNamespace = Value();
            break;
        case "--verbose":
            verbose = true;
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: shoal-kubeapi [--port 6443] [--kubeconfig PATH] [--namespace default] [--verbose]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument \"{args[i]}\"; run with --help for the options.");
            return 2;
    }
}

KubeApiServer server;
try
{
    server = await KubeApiServer.StartAsync(new KubeApiServerOptions
    {
        Port = port,
        RequestLog = verbose ? line => Console.WriteLine(line) : null,
    });
}
catch (IOException e)
{
    Console.Error.WriteLine($"cannot listen on 127.0.0.1:{port}: {e.Message} Pick another --port, or 0 for a free one.");
    return 1;
}

await using var running = server;
if (kubeconfig is not null)
{
    server.WriteKubeconfig(kubeconfig, defaultNamespace);
}

Console.WriteLine(kubeconfig is null
    ? $"Shoal.KubeApi ready at {server.BaseAddress}"
    : $"Shoal.KubeApi ready at {server.BaseAddress} (kubeconfig: {Path.GetFullPath(kubeconfig)})");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
});
await stop.Task;
return 0;
