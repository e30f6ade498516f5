namespace Shoal.Operator.Runtime;

// What the work queue holds: a name, never an object, so a reconcile always reads the latest cached state.
public readonly record struct ResourceKey(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}
