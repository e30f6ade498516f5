using System.Diagnostics;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Aws.Tests.Support;

namespace Shoal.SsmDouble.Tests.Wire;

/// <summary>The double as its own process, as the whole-product tests run it (real clock).</summary>
public sealed class ProcessTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "Shoal.SsmDouble.dll");

    [Fact]
    public async Task It_prints_one_ready_line_and_runs_commands_on_the_wall_clock()
    {
        await moto.ResetAsync();
        using var process = Start("--port", "0", "--upstream", moto.Endpoint.ToString(), "--delivery-delay", "0.1");
        try
        {
            var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.StartsWith("ssm-double ready http://127.0.0.1:", ready, StringComparison.Ordinal);
            var address = new Uri(ready!.Split(' ')[2]);
            using var clients = new AwsClients(moto.Options with { ServiceEndpoints = new Dictionary<string, Uri> { ["SSM"] = address } }, MotoServer.Credentials);
            var launched = await clients.Ec2.RunInstancesAsync(new() { ImageId = "ami-12c6146b", InstanceType = Amazon.EC2.InstanceType.M5Large, MinCount = 1, MaxCount = 1 });
            var worker = launched.Reservation.Instances[0].InstanceId;

            var sent = await clients.Ssm.SendCommandAsync(new SendCommandRequest
            {
                InstanceIds = [worker],
                DocumentName = "AWS-RunShellScript",
                Parameters = new Dictionary<string, List<string>> { ["commands"] = ["sleep 0.5", "echo from the process", "exit 6"] },
            });

            var done = await Eventually.UntilAsync(
                () => clients.Ssm.GetCommandInvocationAsync(new GetCommandInvocationRequest { CommandId = sent.Command.CommandId, InstanceId = worker }),
                i => i.Status != CommandInvocationStatus.Pending && i.Status != CommandInvocationStatus.InProgress,
                "the command's end");
            Assert.Equal((CommandInvocationStatus.Failed, 6, "from the process\n"), (done.Status, done.ResponseCode, done.StandardOutputContent));
            var elapsed = DateTimeOffset.Parse(done.ExecutionEndDateTime, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.Parse(done.ExecutionStartDateTime, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(TimeSpan.FromSeconds(0.5), elapsed);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("--port,x,--upstream,http://127.0.0.1:1", "--port \"x\" is not a port number")]
    [InlineData("--port,0", "--upstream is required")]
    [InlineData("--upstream,http://127.0.0.1:1,--delivery-delay,soon", "--delivery-delay \"soon\" is not a number of seconds")]
    [InlineData("--upstream,http://127.0.0.1:1,--check-interval,0", "instance check interval must be positive")]
    [InlineData("--upstream,http://127.0.0.1:1,--bogus,1", "unknown option --bogus")]
    public async Task Bad_arguments_exit_2_with_a_message_saying_what_was_wrong(string arguments, string message)
    {
        using var process = Start(arguments.Split(','));

        var stderr = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
    }

    private static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
    }
}
