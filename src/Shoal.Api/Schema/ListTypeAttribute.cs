namespace Shoal.Api.Schema;

[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ListTypeAttribute(KubernetesListType type, params string[] mapKeys) : Attribute
{
    public KubernetesListType Type { get; } = type;

    // Required for Map: the item fields that identify an item.
    public IReadOnlyList<string> MapKeys { get; } = mapKeys;
}
