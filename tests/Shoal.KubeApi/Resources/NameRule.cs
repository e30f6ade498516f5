namespace Shoal.KubeApi.Resources;

/// <summary>Which of apimachinery's name validations applies to metadata.name.</summary>
internal enum NameRule
{
    /// <summary>Any name that is a valid path segment (events, leases).</summary>
    PathSegment,

    /// <summary>A lowercase RFC 1123 subdomain (custom resources, CRDs).</summary>
    Subdomain,

    /// <summary>A lowercase RFC 1123 label (namespaces).</summary>
    Label,
}
