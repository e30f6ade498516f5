namespace Shoal.Operator.Hosting;

/// <summary>Start-up cannot go on; the message says what was wrong and what to do. Exit code 2.</summary>
internal sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
