namespace Shoal.Api.Schema;

// Constraints on each element of a list, or each value of a map. The BCL's annotations describe the
// property itself ([MaxLength] on a list bounds its count), so per-element rules need their own attribute.
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ItemsAttribute : Attribute
{
    public string? Pattern { get; set; }

    // 0 means no bound; attribute arguments cannot be nullable.
    public int MinLength { get; set; }

    public int MaxLength { get; set; }
}
