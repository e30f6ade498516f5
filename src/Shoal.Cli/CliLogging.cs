using Microsoft.Extensions.Logging;

namespace Shoal.Cli;

internal static class CliLogging
{
    /// <summary>Engine logs go to stderr from this level up; SHOAL_LOG_LEVEL (e.g. Information) lowers it.</summary>
    public static LogLevel MinimumLevel() =>
        Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("SHOAL_LOG_LEVEL"), ignoreCase: true, out var level) ? level : LogLevel.Error;
}
