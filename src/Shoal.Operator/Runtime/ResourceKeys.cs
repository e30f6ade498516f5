using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Runtime;

public static class ResourceKeys
{
    public static ResourceKey Of(IResource r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new ResourceKey(r.Metadata.Namespace ?? "", r.Metadata.Name);
    }
}
