using Microsoft.Extensions.Logging;

namespace Shoal.Bench;

/// <summary>
/// The engine's logger for a bench run: counts warnings (a requeue or a lost lease in a benchmark means
/// the numbers measure something else) and echoes the first few to stderr, as `shoal run` shows errors.
/// </summary>
internal sealed class CountingLogger : ILogger
{
    private const int Echoed = 5;
    private int warnings;

    public int Warnings => Volatile.Read(ref warnings);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        if (Interlocked.Increment(ref warnings) <= Echoed)
        {
            Console.Error.WriteLine($"  engine {logLevel}: {formatter(state, exception)}");
        }
    }
}
