namespace Shoal.KubeApi.Http;

internal enum ApiPathKind
{
    Unknown,
    Version,
    CoreRoot,
    GroupsRoot,
    Group,
    GroupVersion,
    OpenApiV3Root,
    OpenApiV3Document,
    OpenApiV2,
    Resource,
}
