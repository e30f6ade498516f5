namespace Shoal.Core.Ports;

public sealed record CommandRequest
{
    public required string WorkerId { get; init; }

    public required string JobId { get; init; }

    public required int Attempt { get; init; }

    public required string Document { get; init; }

    public required IReadOnlyList<string> Commands { get; init; }

    public TimeSpan? Timeout { get; init; }

    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public string? OutputS3Prefix { get; init; }
}
