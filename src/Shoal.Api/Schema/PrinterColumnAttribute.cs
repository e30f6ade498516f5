namespace Shoal.Api.Schema;

// One column of `kubectl get` for the kind, in declaration order. Type is a CRD column type: string,
// integer, number, boolean or date. The API server evaluates JsonPath, so these cost the operator nothing.
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;

    public string Type { get; } = type;

    public string JsonPath { get; } = jsonPath;

    public string? Description { get; set; }

    // 0 shows in `kubectl get`; higher only with `-o wide`.
    public int Priority { get; set; }
}
