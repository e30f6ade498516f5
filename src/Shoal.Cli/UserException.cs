namespace Shoal.Cli;

/// <summary>A problem with what the user asked for: printed as one clear line, exit code 2, no stack trace.</summary>
internal sealed class UserException(string message) : Exception(message);
