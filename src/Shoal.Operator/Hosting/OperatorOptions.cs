namespace Shoal.Operator.Hosting;

// Bound from the "Shoal" configuration section: command-line switches (see Program), environment
// variables (Shoal__Namespace=...), or appsettings. Validated once at start-up by OperatorOptionsCheck.
public sealed class OperatorOptions
{
    public const string Section = "Shoal";

    // A kubeconfig file; null means in-cluster when running in a pod, else $KUBECONFIG or ~/.kube/config.
    public string? Kubeconfig { get; set; }

    // The namespace whose JobQueues, WorkerPools and Workers this operator drives; empty for all.
    public string? Namespace { get; set; }

    public bool LeaderElect { get; set; } = true;

    // Where the leader-election Lease lives; defaults to the pod's namespace (POD_NAMESPACE), else "default".
    public string? LeaseNamespace { get; set; }

    public string LeaseName { get; set; } = "shoal-operator";

    // This replica's name in the Lease; defaults to the pod (host) name.
    public string? Identity { get; set; }

    // Tag value on every instance this operator launches; its garbage collector terminates tagged
    // instances no Worker owns. One value per cluster: two clusters sharing an account must differ.
    public string OwnerId { get; set; } = "shoal-operator";

    public int WorkersPerController { get; set; } = 4;

    public int StatusIntervalSeconds { get; set; } = 10;

    public int ScaleIntervalSeconds { get; set; } = 10;

    public int GarbageCollectionIntervalSeconds { get; set; } = 300;

    public int GarbageCollectionGraceSeconds { get; set; } = 600;
}
