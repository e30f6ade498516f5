using Shoal.Core.Ports;

namespace Shoal.Bench;

/// <summary>Times every runner call. runner.Wait spans cover the job itself, so gap analysis clips them.</summary>
internal sealed class TracingCommandRunner(ICommandRunner inner, PortTrace trace) : ICommandRunner
{
    public async Task<CommandHandle> StartAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            return await inner.StartAsync(request, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "runner.Start", start);
        }
    }

    public async Task<CommandStatus> WaitAsync(CommandHandle handle, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            return await inner.WaitAsync(handle, maxWait, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "runner.Wait", start);
        }
    }

    public async Task<TextReader> OpenOutputAsync(CommandHandle handle, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            return await inner.OpenOutputAsync(handle, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "runner.OpenOutput", start);
        }
    }

    public async Task CancelAsync(CommandHandle handle, CancellationToken cancellationToken)
    {
        var (caller, start) = (PortTrace.Caller, trace.Now());
        try
        {
            await inner.CancelAsync(handle, cancellationToken);
        }
        finally
        {
            trace.Add(caller, "runner.Cancel", start);
        }
    }
}
