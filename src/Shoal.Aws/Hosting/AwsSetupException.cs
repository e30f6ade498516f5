namespace Shoal.Aws.Hosting;

/// <summary>
/// AWS set-up failed in a way a user can fix; the message says what was wrong and what to do. Hosts show
/// it as it is (the CLI as one line, the operator as a condition message).
/// </summary>
public sealed class AwsSetupException(string message, Exception? inner = null) : Exception(message, inner);
