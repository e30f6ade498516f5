using Shoal.Core.Ports;
using Shoal.Local.Commands;
using Shoal.Local.Fleet;

namespace Shoal.Local.Tests.Commands;

// A fresh temporary folder with a state directory, a local fleet and a bash runner on real time,
// all removed on dispose (the runner kills whatever is still running first).
internal sealed class RunnerSandbox : IDisposable
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    public RunnerSandbox(InterruptionSimulator? interruptions = null, int outputTailChars = 4000)
    {
        Root = Path.Combine(Path.GetTempPath(), "shoal-local-tests", Guid.NewGuid().ToString("N"));
        StateDirectory = Path.Combine(Root, "state");
        Directory.CreateDirectory(StateDirectory);
        Fleet = new LocalWorkerFleet(new LocalFleetOptions { StateDirectory = StateDirectory, OutputTailChars = outputTailChars }, TimeProvider.System);
        Runner = new LocalCommandRunner(Fleet, TimeProvider.System, interruptions);
    }

    public string Root { get; }

    public string StateDirectory { get; }

    public LocalWorkerFleet Fleet { get; }

    public LocalCommandRunner Runner { get; }

    public async Task<string> LaunchWorkerAsync()
    {
        var launched = await Fleet.LaunchAsync(new LaunchRequest("pool", "jobs", 1, Guid.NewGuid().ToString("N")), CancellationToken.None);
        return Assert.Single(launched).WorkerId;
    }

    public static CommandRequest Request(string workerId, string jobId, params string[] commands) => new()
    {
        WorkerId = workerId,
        JobId = jobId,
        Attempt = 1,
        Document = "AWS-RunShellScript",
        Commands = commands,
    };

    public Task<CommandHandle> StartAsync(CommandRequest request) => Runner.StartAsync(request, CancellationToken.None);

    // Returns as soon as the command ends; the bound only turns a hang into a failure.
    public async Task<CommandStatus> WaitAsync(CommandHandle handle)
    {
        var status = await Runner.WaitAsync(handle, MaxWait, CancellationToken.None);
        Assert.True(status.IsTerminal, $"command {handle.CommandId} still {status.State} after {MaxWait}");
        return status;
    }

    public async Task<(CommandHandle Handle, CommandStatus Status)> RunAsync(CommandRequest request)
    {
        var handle = await StartAsync(request);
        return (handle, await WaitAsync(handle));
    }

    public string AttemptDirectory(string jobId, int attempt = 1) => LocalCommandRunner.AttemptDirectory(StateDirectory, jobId, attempt);

    public byte[] StdoutBytes(string jobId, int attempt = 1) => File.ReadAllBytes(Path.Combine(AttemptDirectory(jobId, attempt), "stdout"));

    public string Stdout(string jobId, int attempt = 1) => File.ReadAllText(Path.Combine(AttemptDirectory(jobId, attempt), "stdout"));

    public string Stderr(string jobId, int attempt = 1) => File.ReadAllText(Path.Combine(AttemptDirectory(jobId, attempt), "stderr"));

    public void Dispose()
    {
        Runner.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still have been closing a file: one more pass.
            Directory.Delete(Root, recursive: true);
        }
    }
}
