using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Runtime;

// Where a kind lives on the API server. An empty Group is the core group (/api/v1), used for Events.
public sealed record ResourceKind(string Group, string Version, string Plural, string Kind)
{
    public static readonly ResourceKind JobQueue = new(WellKnown.Group, WellKnown.Version, WellKnown.JobQueuePlural, WellKnown.JobQueueKind);
    public static readonly ResourceKind WorkerPool = new(WellKnown.Group, WellKnown.Version, WellKnown.WorkerPoolPlural, WellKnown.WorkerPoolKind);
    public static readonly ResourceKind Worker = new(WellKnown.Group, WellKnown.Version, WellKnown.WorkerPlural, WellKnown.WorkerKind);

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    // kubectl's spelling (workers.shoal.dev), the one people search logs and RBAC rules for.
    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
