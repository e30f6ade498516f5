using Microsoft.Extensions.Logging;

namespace Shoal.Aws.Tests.Commands;

/// <summary>Keeps what was logged, as "Level: message", so a test can see that a tolerated error was not silent.</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<string> entries = [];

    public IReadOnlyList<string> Entries
    {
        get
        {
            lock (entries)
            {
                return [.. entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (entries)
        {
            entries.Add($"{logLevel}: {formatter(state, exception)}");
        }
    }
}
