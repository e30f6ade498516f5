namespace Shoal.Cli.Jobs;

/// <summary>One job message as read from a file, with where it came from for error messages.</summary>
internal sealed record JobSource(string Origin, string Body);
