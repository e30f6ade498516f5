namespace Shoal.Api.Schema;

// Marks a root type as a Kubernetes kind. The CRD generator reads the names from here rather than from a
// table of its own, so adding a kind is one attribute on one class.
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CustomResourceAttribute(string group, string version, string kind) : Attribute
{
    public string Group { get; } = group;

    public string Version { get; } = version;

    public string Kind { get; } = kind;

    public string Plural { get; set; } = "";

    public string Singular { get; set; } = "";

    public string ListKind { get; set; } = "";

    public string[] ShortNames { get; set; } = [];

    // `kubectl get <category>` lists every kind in it.
    public string[] Categories { get; set; } = [];

    public bool Namespaced { get; set; } = true;
}
