namespace Shoal.Aws.Ledger;

/// <summary>What <see cref="DynamoTableProvisioner.EnsureAsync"/> did, for status conditions and events.</summary>
public sealed record DynamoTableProvisionResult
{
    public required string TableName { get; init; }

    /// <summary>The table did not exist and was created.</summary>
    public bool Created { get; init; }

    /// <summary>An existing table (e.g. the seed's) got the status index added.</summary>
    public bool StatusIndexAdded { get; init; }

    /// <summary>TTL is on (or being turned on) for the expires_at attribute; false means finished jobs are kept forever.</summary>
    public bool TimeToLiveEnabled { get; init; }

    /// <summary>Problems that do not stop the ledger from working (TTL could not be set up); also logged.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
