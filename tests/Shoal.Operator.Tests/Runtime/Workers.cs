using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Tests.Runtime;

internal static class Workers
{
    public const string Namespace = "team-a";

    public static Worker New(string name, string resourceVersion, string? phase = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Namespace, ResourceVersion = resourceVersion, Uid = "uid-" + name },
        Status = phase is null ? null : new WorkerStatus { Phase = phase },
    };
}
