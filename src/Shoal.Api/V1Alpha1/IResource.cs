namespace Shoal.Api.V1Alpha1;

// What every Shoal custom resource has, so the operator's runtime can be generic over the three kinds.
public interface IResource
{
    string ApiVersion { get; set; }

    string Kind { get; set; }

    ObjectMeta Metadata { get; set; }
}
