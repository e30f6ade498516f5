namespace Shoal.Aws.Commands;

/// <summary>A command as ListCommands reports it: enough to recognise one Shoal sent by its comment.</summary>
public sealed record SsmCommandSummary(string CommandId, string Comment, string DocumentName, DateTimeOffset? RequestedAt);
