namespace Shoal.KubeApi.Resources;

/// <summary>
/// Every served (group, version, resource). Built-ins are fixed; CRDs add and remove their types as they are
/// written and deleted, so a new resource is served the moment its CRD is created (Established at once).
/// </summary>
internal sealed class ResourceRegistry
{
    private readonly Lock gate = new();
    private readonly List<ResourceType> types = BuiltInTypes.Create();

    public ResourceType? Find(string group, string version, string plural)
    {
        lock (gate)
        {
            return types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);
        }
    }

    /// <summary>A snapshot in a stable order: core first, then groups by name, preferred version first.</summary>
    public IReadOnlyList<ResourceType> All()
    {
        lock (gate)
        {
            return [.. types];
        }
    }

    public void ReplaceDefinedBy(string crdName, IReadOnlyList<ResourceType> definitions)
    {
        lock (gate)
        {
            types.RemoveAll(t => t.DefinedBy == crdName);
            types.AddRange(definitions);
        }
    }

    public void RemoveDefinedBy(string crdName)
    {
        lock (gate)
        {
            types.RemoveAll(t => t.DefinedBy == crdName);
        }
    }

    /// <summary>Another CRD already serving this group and plural (or kind): names must be unique, as on a real server.</summary>
    public string? Conflict(string crdName, string group, string plural, string kind)
    {
        lock (gate)
        {
            return types.FirstOrDefault(t => t.DefinedBy != crdName && t.Group == group && (t.Plural == plural || t.Kind == kind))?.DefinedBy;
        }
    }
}
