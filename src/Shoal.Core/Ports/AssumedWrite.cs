using Shoal.Core.Jobs;

namespace Shoal.Core.Ports;

/// <summary>Written, or not and then what is stored (null: no record).</summary>
public sealed record AssumedWrite(bool Written, JobRecord? Stored);
