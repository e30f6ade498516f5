namespace Shoal.Core.Ports;

public sealed record CommandHandle(string WorkerId, string CommandId);
