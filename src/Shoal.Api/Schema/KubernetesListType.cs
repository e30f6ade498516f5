namespace Shoal.Api.Schema;

// x-kubernetes-list-type: how the API server merges and validates a list.
public enum KubernetesListType
{
    // Replaced as a whole.
    Atomic,

    // Scalars; duplicates are rejected.
    Set,

    // Objects keyed by the list's map keys, merged item by item (like status.conditions by type).
    Map,
}
