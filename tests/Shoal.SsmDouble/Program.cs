using System.Globalization;
using System.Runtime.InteropServices;
using Shoal.SsmDouble;

// dotnet run --project tests/Shoal.SsmDouble -- --port N --upstream http://127.0.0.1:MOTO [options]
// Prints one line, "ssm-double ready <base address>", once it answers; stops on SIGINT/SIGTERM.
const string Usage = """
    usage: Shoal.SsmDouble --upstream URL [--port N] [--region R] [--delivery-delay S]
                           [--registration-delay S] [--visibility-lag S] [--terminated-instance-timeout S]
                           [--check-interval S]
      --upstream URL                   moto: unserved requests, EC2 instance states and S3 output go there (required)
      --port N                         port on 127.0.0.1; 0 (the default) takes a free one
      --region R                       region for the upstream clients (default us-east-1)
      --delivery-delay S               seconds an invocation stays Pending (default 0.2)
      --registration-delay S           seconds after an instance is first seen running before SendCommand accepts it (default 0)
      --visibility-lag S               seconds after SendCommand before GetCommandInvocation sees it (default 0)
      --terminated-instance-timeout S  end an invocation whose instance is gone S seconds after noticing (default: as AWS,
                                       delivery timeout + execution timeout after it was sent)
      --check-interval S               seconds between looks in EC2 for gone instances (default 1)
    """;

SsmDoubleOptions options;
try
{
    options = Parse(args);
    options.Validate();
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var server = await SsmDoubleServer.StartAsync(options);
Console.WriteLine($"ssm-double ready {server.BaseAddress} upstream {options.Upstream}");
await stop.Task;
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}

static SsmDoubleOptions Parse(string[] args)
{
    var options = new SsmDoubleOptions { Upstream = null!, LogToConsole = true };
    for (var i = 0; i < args.Length; i++)
    {
        var name = args[i];
        var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
        options = name switch
        {
            "--upstream" => options with { Upstream = Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"--upstream \"{value}\" is not a URL; give moto's, like http://127.0.0.1:5000") },
            "--port" => options with { Port = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : throw new ArgumentException($"--port \"{value}\" is not a port number") },
            "--region" => options with { Region = value },
            "--delivery-delay" => options with { DeliveryDelay = Seconds(name, value) },
            "--registration-delay" => options with { AgentRegistrationDelay = Seconds(name, value) },
            "--visibility-lag" => options with { InvocationVisibilityLag = Seconds(name, value) },
            "--terminated-instance-timeout" => options with { TerminatedInstanceTimeout = Seconds(name, value) },
            "--check-interval" => options with { InstanceCheckInterval = Seconds(name, value) },
            _ => throw new ArgumentException($"unknown option {name}"),
        };
    }

    return options.Upstream is null ? throw new ArgumentException("--upstream is required") : options;
}

static TimeSpan Seconds(string name, string value) =>
    double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds)
        ? TimeSpan.FromSeconds(seconds)
        : throw new ArgumentException($"{name} \"{value}\" is not a number of seconds");
